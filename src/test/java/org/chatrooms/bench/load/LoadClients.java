package org.chatrooms.bench.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The load tool: a few selector threads ({@link ClientLoop}) sharing out thousands of raw WebSocket clients that
 * speak only the public protocol ({@code /ws/chat/<room>/}, same-host Origin, {@code {"message": ...}}).
 *
 * <p>Threads: one caller (the scenario runner) opens populations, starts steps and closes; the loops do all
 * socket work.
 */
public final class LoadClients implements AutoCloseable {

    /** Handshakes in flight at once: more only overflow the server's accept backlog and cost SYN retries. */
    private static final int OPENING_AT_ONCE = 200;
    /**
     * Opening gives up once no handshake finished for this long: a server at its connection limit (Tomcat's NIO
     * connector stops accepting at {@code maxConnections}, 8,192 by default) leaves the rest waiting forever.
     */
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final List<ClientLoop> loops = new ArrayList<>();
    private final ToolCounters counters = new ToolCounters();
    private final StepStats between = new StepStats();
    private final long epoch = System.nanoTime();
    private int steps;

    public LoadClients(int threads) throws IOException {
        for (int i = 0; i < threads; i++) {
            loops.add(new ClientLoop("bench-client-" + (i + 1), counters, between, epoch));
        }
    }

    public int threads() {
        return loops.size();
    }

    public ToolCounters counters() {
        return counters;
    }

    /** Frames received while no step ran (history replays on joining, errors, ...). */
    public StepStats betweenSteps() {
        return between;
    }

    /** CPU time the selector threads used so far, nanoseconds. */
    public long cpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long total = 0;
        for (ClientLoop loop : loops) {
            total += Math.max(0, threads.getThreadCpuTime(loop.threadId()));
        }
        return total;
    }

    /**
     * Opens {@code rooms} rooms of {@code perRoom} sockets, the first {@code sendersPerRoom} of each sending,
     * socket {@code i} of the population going to node {@code i mod nodes}, so every room spans every node.
     * Returns once every socket opened or failed, or {@code timeout} passed.
     */
    public Population open(List<InetSocketAddress> nodes, String roomPrefix, int rooms, int perRoom,
                           int sendersPerRoom, Duration timeout) throws InterruptedException {
        Semaphore opening = new Semaphore(OPENING_AT_ONCE);
        List<Room> roomList = new ArrayList<>();
        List<LoadConnection> connections = new ArrayList<>();
        LoadConnection[] senders = new LoadConnection[rooms * sendersPerRoom];
        long deadline = System.nanoTime() + timeout.toNanos();
        java.util.concurrent.atomic.AtomicLong progress = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
        int index = 0;
        rooms:
        for (int r = 0; r < rooms; r++) {
            Room room = new Room(roomPrefix + "_" + r, sendersPerRoom);
            roomList.add(room);
            for (int i = 0; i < perRoom; i++, index++) {
                int slot = i < sendersPerRoom ? i : -1;
                ClientLoop loop = loops.get(index % loops.size());
                LoadConnection c = new LoadConnection(loop, room, slot, nodes.get(index % nodes.size()),
                        "/ws/chat/" + room.name() + "/");
                if (slot >= 0) {
                    senders[slot * rooms + r] = c;
                }
                connections.add(c);
                if (!opening.tryAcquire(Math.min(STALL_NANOS, Math.max(0, deadline - System.nanoTime())),
                        TimeUnit.NANOSECONDS)) {
                    counters.refused("not attempted: no handshake finished for 10 s");
                    c.opened.completeExceptionally(new IOException("not attempted"));
                    break rooms;
                }
                c.opened.whenComplete((ok, failed) -> {
                    progress.set(System.nanoTime());
                    opening.release();
                });
                loop.connect(c);
            }
        }
        long opened = 0;
        for (LoadConnection c : connections) {
            try {
                long wait = Math.min(deadline, Math.max(System.nanoTime(), progress.get() + STALL_NANOS));
                c.opened.get(Math.max(0, wait - System.nanoTime()), TimeUnit.NANOSECONDS);
                opened++;
            } catch (java.util.concurrent.ExecutionException e) {
                // counted by the loop, with its reason
            } catch (java.util.concurrent.TimeoutException e) {
                counters.refused("no handshake answer within 10 s");
            }
        }
        return new Population(roomList, connections, senders, opened, connections.size() - opened);
    }

    /**
     * Starts a step: {@code rate} messages per second from all senders of {@code population} together, for
     * {@code seconds}, each message {@code messageBytes} long. The first is due 20 ms from now, so that every
     * loop has the step before it.
     */
    public Step start(Population population, double rate, double seconds, int messageBytes) {
        SendSchedule schedule = SendSchedule.of(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20), rate, seconds,
                population.senders());
        Step step = new Step(++steps, population, schedule, messageBytes, loops.size());
        for (ClientLoop loop : loops) {
            loop.begin(step);
        }
        return step;
    }

    /** Closes every socket of {@code population}, with a close frame, and waits until the loops did. */
    public void close(Population population) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(loops.size());
        for (ClientLoop loop : loops) {
            List<LoadConnection> mine = population.connections.stream().filter(c -> c.loop == loop).toList();
            loop.closeAll(mine, done);
        }
        if (!done.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("sockets did not close within 30 s");
        }
    }

    /** Stops the loops; their sockets close with them. */
    @Override
    public void close() throws InterruptedException {
        for (ClientLoop loop : loops) {
            loop.stop();
        }
    }
}
