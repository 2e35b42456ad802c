package org.chatrooms.relay.redis;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.chatrooms.protocol.ChatMessage;
import org.chatrooms.relay.RelayListener;
import org.chatrooms.relay.redis.JoinedRooms.RoomState;
import org.chatrooms.relay.redis.RedisPayload.Numbered;
import org.chatrooms.room.RoomName;


/**
 * Hands messages from the subscriber's read loop to the {@link RelayListener}, on one thread of its own,
 * {@code chat-redis-dispatch-<node>}: the read loop only queues, so Redis never waits for local fan-out.
 *
 * <p>This thread decodes each payload, drops messages of rooms left meanwhile and any repeat (see
 * {@link RoomState#accept}), and calls the listener in arrival order, which is each room's id order.
 *
 * <p>After a reconnect, the subscriber queues a catch-up marker for each room it subscribed again, ahead of the
 * room's first live message on the new connection. On reaching it, this thread reads the room's
 * {@link RoomHistory} (one Redis round trip) and delivers what this node missed, then the live messages, skipping
 * those the history already had. The history is read after the new subscription started, so history and live
 * messages overlap rather than leave a gap.
 */
final class RedisDispatcher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RedisDispatcher.class.getName());
    /**
     * Messages received and not yet handed on. Redis would buffer for a slow reader only up to its pubsub output
     * limit and then drop the connection; this queue takes that role inside the node, bounded likewise.
     */
    static final int QUEUE_CAPACITY = 100_000;

    private final RedisKeys keys;
    private final RedisPayload payload;
    private final JoinedRooms rooms;
    private final RoomHistory history;
    private final RelayListener listener;
    private final BlockingQueue<Work> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final AtomicLong overflowed = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    RedisDispatcher(String nodeId, RedisKeys keys, RedisPayload payload, JoinedRooms rooms, RoomHistory history,
                    RelayListener listener) {
        this.keys = keys;
        this.payload = payload;
        this.rooms = rooms;
        this.history = history;
        this.listener = listener;
        this.thread = RelayThreads.create("chat-redis-dispatch-" + nodeId, this::run);
    }

    void start() {
        thread.start();
    }

    /** Queues a message from a room channel; never blocks (subscriber thread). */
    void offer(String channel, String message) {
        enqueue(new Received(channel, message));
    }

    /** Queues a catch-up for a room subscribed again after an outage (subscriber thread). */
    void catchUp(RoomName room) {
        enqueue(new CatchUp(room));
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        RelayThreads.join(thread, RelayThreads.EXECUTOR_STOP_TIMEOUT);
    }

    private void enqueue(Work work) {
        if (!queue.offer(work)) {
            // Losing it here is no worse than Redis disconnecting a slow subscriber, and says so in the log.
            if (overflowed.getAndIncrement() % 1000 == 0) {
                LOG.severe(() -> "Chat delivery on this server is " + QUEUE_CAPACITY + " messages behind; "
                        + overflowed.get() + " messages dropped so far");
            }
        }
    }

    private void run() {
        while (running) {
            Work work;
            try {
                work = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (work instanceof Received received) {
                deliverLive(received);
            } else if (work instanceof CatchUp catchUp) {
                deliverMissed(catchUp.room);
            }
        }
    }

    private void deliverLive(Received received) {
        Numbered numbered;
        try {
            numbered = payload.decode(received.message);
        } catch (IllegalArgumentException e) {
            LOG.log(Level.WARNING, "Ignoring a message on " + received.channel + " that is not from a chat server", e);
            return;
        }
        RoomName room = numbered.message().room();
        if (!keys.roomOf(received.channel).map(room::equals).orElse(false)) {
            LOG.warning(() -> "Ignoring a message for room " + room + " sent on " + received.channel);
            return;
        }
        RoomState state = rooms.get(room);
        if (state != null) { // null: the room's last socket left while this was on its way
            deliver(state, numbered);
        }
    }

    private void deliverMissed(RoomName room) {
        RoomState state = rooms.get(room);
        if (state == null) {
            return;
        }
        List<String> recent;
        try {
            recent = history.read(room);
        } catch (RuntimeException e) {
            // JedisException mostly: Redis went away again; the next reconnect catches up again.
            LOG.log(Level.WARNING, "Could not read the recent messages of room " + room + " after reconnecting; "
                    + "its messages from the outage may be missing on this server", e);
            return;
        }
        for (String entry : recent) {
            try {
                deliver(state, payload.decode(entry));
            } catch (IllegalArgumentException e) {
                LOG.log(Level.WARNING, "Ignoring an unreadable entry in the history of room " + room, e);
            }
        }
    }

    private void deliver(RoomState state, Numbered numbered) {
        ChatMessage message = numbered.message();
        long missed = state.missedBefore(numbered.epoch(), message.id());
        if (missed > 0) {
            LOG.warning(() -> missed + " message(s) of room " + message.room() + " before id " + message.id()
                    + " never reached this server");
        }
        if (!state.accept(numbered.epoch(), message.id())) {
            return; // delivered already, from the history or the live subscription
        }
        try {
            listener.onMessage(message);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "Relay listener failed on message " + message.id() + " of " + message.room(), e);
        }
    }

    /** What the dispatch thread does next. */
    private sealed interface Work permits Received, CatchUp {
    }

    private record Received(String channel, String message) implements Work {
    }

    private record CatchUp(RoomName room) implements Work {
    }
}
