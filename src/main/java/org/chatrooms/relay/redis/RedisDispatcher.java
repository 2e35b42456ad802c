package org.chatrooms.relay.redis;

import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.chatrooms.concurrent.OwnedThreads;
import org.chatrooms.metrics.ChatMetrics;
import org.chatrooms.protocol.ChatMessage;
import org.chatrooms.relay.History;
import org.chatrooms.relay.HistoryFilter;
import org.chatrooms.relay.RelayListener;
import org.chatrooms.relay.RoomEvents;
import org.chatrooms.relay.StreamRetention;
import org.chatrooms.relay.redis.JoinedRooms.RoomState;
import org.chatrooms.room.RoomName;
import org.chatrooms.room.StreamPosition;

import redis.clients.jedis.UnifiedJedis;

/**
 * Hands room traffic from the subscriber's read loops to the {@link RelayListener}: delivered by the read loop
 * itself while nothing waits and it has time to spare, else queued for a thread of its own,
 * {@code chat-redis-dispatch-<node>}, so Redis never waits long for local fan-out.
 *
 * <p>Why two ways: at chat rates handing each message to another thread costs more than delivering it (a wake-up
 * and two context switches per message per node, on a path that is otherwise a few socket writes), so a read loop
 * delivers the message it just read when the queue is empty, the dispatch thread idle, and its
 * {@link InlineDeliveryBudget} (about a quarter of the time, shared by the node's read loops) not used up. Under load the rest goes to the dispatch
 * thread, and reading and writing run on two cores again. Whatever needs Redis (a catch-up) is always queued: a
 * read loop never waits for the network.
 *
 * <p>Threads: the read loops ({@link SubscriberConnection}; in a Cluster one {@link ShardLink} per shard) call
 * {@link #message} and {@link #subscribed}; the dispatch thread takes the queue. Whoever delivers holds
 * {@link #delivering}, so the listener is called by one thread at a time, each call seeing what the one before did,
 * and the rooms' cursors ({@link RoomState#accept}) need no lock of their own. Order: a room's messages come from
 * one read loop, in id order; a read loop delivers itself only when {@link #unfinished} is zero, i.e. when nothing
 * it queued before is still undelivered, so a message never overtakes one queued ahead of it.
 *
 * <p>Delivering decodes each payload, drops messages of rooms left meanwhile and any repeat (see
 * {@link RoomState#accept}), and calls the listener in arrival order, which is each room's id order.
 *
 * <p>Catching up (docs/streams.md): pub/sub keeps nothing for a subscriber that was away. When a room is
 * subscribed again after an outage, when a room's ids show a hole, or when this queue overflowed and dropped a
 * room's message, the dispatch thread reads the room's history after the last position delivered (one Redis round
 * trip) and delivers what the node missed, then goes on with live messages, skipping those the history already had. What the history no longer holds is
 * reported to the listener as a gap, so the room's sockets are told; a stream that restarted in a new epoch and
 * holds nothing yet is announced ({@link RelayListener#onNewEpoch}), so sockets stop waiting for what will never
 * come. Every other change of a room's epoch is announced too, before the first message of the new one, so each
 * socket learns the two epochs' order (a socket's own catch-up read may be ahead of this node's stream or behind it).
 */
final class RedisDispatcher implements SubscriberConnection.Inbox, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RedisDispatcher.class.getName());
    /**
     * Messages received and not yet handed on. Redis would buffer for a slow reader only up to its pubsub output
     * limit and then drop the connection; this queue takes that role inside the node, bounded likewise.
     */
    static final int QUEUE_CAPACITY = 100_000;
    /** After a failed catch-up read, how long the next ones report a gap at once instead of trying Redis again. */
    private static final long CATCH_UP_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final RedisKeys keys;
    private final JoinedRooms rooms;
    /** Asked on each use: in a Cluster the client is made once a seed answers. */
    private final Supplier<UnifiedJedis> client;
    private final StreamScripts scripts;
    private final StreamRetention retention;
    private final RelayListener listener;
    private final ChatMetrics metrics;
    private final BlockingQueue<Work> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    /** Rooms that lost a message to a full queue; caught up once the queue has room again. */
    private final Set<RoomName> overflowed = ConcurrentHashMap.newKeySet();
    private final AtomicLong dropped = new AtomicLong();
    /** Held by whoever calls the listener: the dispatch thread for each piece of work, or a read loop. */
    private final ReentrantLock delivering = new ReentrantLock();
    /** Work queued and not yet finished by the dispatch thread; a read loop delivers itself only at zero. */
    private final AtomicInteger unfinished = new AtomicInteger();
    // Guarded by delivering.
    private final InlineDeliveryBudget budget;
    /** Messages read loops delivered themselves, and messages queued for the dispatch thread. */
    private final AtomicLong deliveredInline = new AtomicLong();
    private final AtomicLong queuedLive = new AtomicLong();
    // Dispatch thread only: when a catch-up read last failed, so the next ones do not each wait for Redis again.
    private long catchUpFailedNanos;
    private boolean catchUpFailing;
    private final Thread thread;
    private volatile boolean running = true;

    RedisDispatcher(String nodeId, RedisKeys keys, JoinedRooms rooms, Supplier<UnifiedJedis> client,
                    StreamScripts scripts, StreamRetention retention, RelayListener listener, ChatMetrics metrics) {
        this(nodeId, keys, rooms, client, scripts, retention, listener, metrics, InlineDeliveryBudget.standard());
    }

    RedisDispatcher(String nodeId, RedisKeys keys, JoinedRooms rooms, Supplier<UnifiedJedis> client,
                    StreamScripts scripts, StreamRetention retention, RelayListener listener, ChatMetrics metrics,
                    InlineDeliveryBudget budget) {
        this.budget = budget;
        this.metrics = metrics;
        this.keys = keys;
        this.rooms = rooms;
        this.client = client;
        this.scripts = scripts;
        this.retention = retention;
        this.listener = listener;
        this.thread = OwnedThreads.thread("chat-redis-dispatch-" + nodeId, this::run);
    }

    void start() {
        thread.start();
    }

    // ---- read loops: never block ----

    @Override
    public void subscribed(String channel, long generation) {
        keys.roomOf(channel).ifPresent(name -> {
            RoomState room = rooms.get(name);
            if (room != null && room.confirm(generation)) {
                // Queued ahead of the room's first live message on this connection: catch up first.
                enqueue(new CatchUp(name));
            }
        });
    }

    @Override
    public void message(String channel, String payload) {
        if (!running) {
            return; // closed: a read loop that outlived its join must not call the listener any more
        }
        Received received = new Received(channel, payload);
        if (deliveredHere(received)) {
            deliveredInline.incrementAndGet();
        } else {
            queuedLive.incrementAndGet();
            enqueue(received);
        }
    }

    /**
     * Delivers a live message on the read loop that read it, when nothing is queued ahead of it, nobody else is
     * delivering and the budget allows; false when it must be queued instead, also when its room needs a catch-up
     * first (a Redis round trip, which a read loop must not wait for).
     */
    private boolean deliveredHere(Received received) {
        if (unfinished.get() != 0 || !delivering.tryLock()) {
            return false;
        }
        long start = System.nanoTime();
        try {
            return budget.allows(start) && deliverLive(received, false);
        } catch (RuntimeException | LinkageError | AssertionError e) {
            // A bug in delivery, not in the read loop: logged and dropped as the dispatch thread would, so the
            // read loop (and in a Cluster the shard link's failure handling) keeps going.
            LOG.log(Level.SEVERE, "Unexpected failure while delivering chat messages", e);
            return true;
        } finally {
            budget.spent(System.nanoTime() - start);
            delivering.unlock();
        }
    }

    /** Whether nothing is queued or being delivered by the dispatch thread; for tests. */
    boolean idle() {
        return unfinished.get() == 0;
    }

    /** Live messages the read loops delivered themselves, and those they queued; for tests. */
    long[] inlineAndQueued() {
        return new long[] {deliveredInline.get(), queuedLive.get()};
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        OwnedThreads.join(thread, OwnedThreads.STOP_TIMEOUT);
    }

    private void enqueue(Work work) {
        unfinished.incrementAndGet();
        if (queue.offer(work)) {
            return;
        }
        unfinished.decrementAndGet();
        metrics.relayDropped("dispatch_queue_full");
        RoomName room = work instanceof CatchUp catchUp ? catchUp.room
                : keys.roomOf(((Received) work).channel).orElse(null);
        if (room != null) {
            overflowed.add(room);
        }
        if (dropped.getAndIncrement() % 1000 == 0) {
            LOG.severe(() -> "Chat delivery on this server is " + QUEUE_CAPACITY + " messages behind; "
                    + dropped.get() + " messages dropped so far (their rooms catch up from the history, or their "
                    + "sockets are told)");
        }
    }

    // ---- dispatch thread ----

    private void run() {
        while (running) {
            Work work;
            try {
                work = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            delivering.lock();
            try {
                if (work instanceof Received received) {
                    deliverLive(received, true);
                } else if (work instanceof CatchUp catchUp) {
                    catchUp(catchUp.room);
                }
                if (!overflowed.isEmpty() && queue.remainingCapacity() > QUEUE_CAPACITY / 2) {
                    for (RoomName room : Set.copyOf(overflowed)) {
                        overflowed.remove(room);
                        catchUp(room);
                    }
                }
            } catch (RuntimeException | LinkageError | AssertionError e) {
                // A bug, not a Redis failure: logged, and the thread goes on (a dead dispatch thread would leave
                // every later message queued behind it for good).
                LOG.log(Level.SEVERE, "Unexpected failure while dispatching chat messages", e);
            } finally {
                delivering.unlock();
                unfinished.decrementAndGet();
            }
        }
    }

    // ---- whoever holds delivering ----

    /**
     * Delivers a live message; returns false, having changed nothing, when its room needs a catch-up first and
     * {@code mayCatchUp} is false (a read loop: the message is queued for the dispatch thread instead).
     */
    private boolean deliverLive(Received received, boolean mayCatchUp) {
        RoomName room = keys.roomOf(received.channel).orElse(null);
        if (room == null) {
            return true; // the node's own channel carries nothing
        }
        if (received.payload.startsWith(RoomEvents.REDIS_MARKER)) {
            roomEvent(room, received.payload.substring(RoomEvents.REDIS_MARKER.length()));
            return true;
        }
        ChatMessage message;
        try {
            message = RedisPayload.decode(room, received.payload);
        } catch (IllegalArgumentException e) {
            LOG.log(Level.WARNING, "Ignoring a message on " + received.channel + " that is not from a chat server", e);
            return true;
        }
        RoomState state = rooms.get(room);
        if (state == null) {
            return true; // the room's last socket left while this was on its way
        }
        if (state.isHoleBefore(message.position())) {
            if (!mayCatchUp) {
                return false;
            }
            catchUp(room); // the missing ones first, then this one unless the history already had it
        }
        deliver(state, message);
        return true;
    }

    /** Delivers what the history holds after the last position delivered here; a gap when it lacks some. */
    private void catchUp(RoomName room) {
        RoomState state = rooms.get(room);
        if (state == null) {
            return;
        }
        StreamPosition since = state.delivered();
        HistoryFilter filter = since == null ? HistoryFilter.latest(retention.historySize())
                : HistoryFilter.after(since, retention.historySize());
        if (catchUpFailing && System.nanoTime() - catchUpFailedNanos < CATCH_UP_RETRY_NANOS) {
            // Redis just failed a catch-up: every other room of the reconnect would wait as long, and delivery of
            // all rooms with it. Say so at once; the next reconnect catches up again.
            gap(room);
            return;
        }
        History read;
        try {
            read = scripts.readNow(client.get(), room, filter);
            catchUpFailing = false;
        } catch (RuntimeException e) {
            // JedisException mostly: Redis went away again; its sockets are told, the next reconnect retries.
            catchUpFailing = true;
            catchUpFailedNanos = System.nanoTime();
            LOG.log(Level.WARNING, "Could not read the history of room " + room + " to catch up; its sockets "
                    + "are told that messages may be missing", e);
            gap(room);
            return;
        }
        if (!read.complete()) {
            gap(room);
        }
        for (ChatMessage message : read.messages()) {
            deliver(state, message);
        }
        String epoch = read.top().epoch();
        if (read.messages().isEmpty() && since != null && !since.epoch().equals(epoch)) {
            // Nothing delivered moved the sockets into the new epoch; live copies of its ids may still be queued
            // behind this catch-up, so only the epoch is announced, at its start, never a position inside it. This
            // node's copy enters it too: a late message of the old epoch queued behind is stale now (the sockets
            // were told of the gap), and must not take the sockets back.
            state.enterEpoch(epoch);
            announceNewEpoch(room, epoch);
        }
    }

    private void announceNewEpoch(RoomName room, String epoch) {
        try {
            listener.onNewEpoch(room, epoch);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "Relay listener failed on the new epoch of " + room, e);
        }
    }

    private void deliver(RoomState state, ChatMessage message) {
        StreamPosition before = state.delivered();
        if (!state.accept(message.position())) {
            return; // delivered already, from the history or the live subscription
        }
        if (before != null && !before.epoch().equals(message.epoch())) {
            // The live stream moved on: announced before its first message, so every socket knows the order of
            // the two epochs, which their tokens do not tell (a socket's catch-up read may be ahead of this
            // stream, or behind it).
            announceNewEpoch(message.room(), message.epoch());
        }
        try {
            listener.onMessage(message);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "Relay listener failed on message " + message.id() + " of " + message.room(), e);
        }
    }

    /** A room event (presence), published by a script on the room's channel; not numbered, never caught up. */
    private void roomEvent(RoomName room, String event) {
        if (rooms.get(room) == null) {
            return;
        }
        try {
            listener.onRoomEvent(room, event);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "Relay listener failed on a room event of " + room, e);
        }
    }

    private void gap(RoomName room) {
        try {
            listener.onGap(room);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "Relay listener failed on a gap in " + room, e);
        }
    }

    /** What the dispatch thread does next. */
    private sealed interface Work permits Received, CatchUp {
    }

    private record Received(String channel, String payload) implements Work {
    }

    private record CatchUp(RoomName room) implements Work {
    }
}
