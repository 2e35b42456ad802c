package org.chatrooms.relay.redis;

import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
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
 * Hands room traffic from the subscriber's read loop to the {@link RelayListener}, on one thread of its own,
 * {@code chat-redis-dispatch-<node>}: the read loop only queues, so Redis never waits for local fan-out.
 *
 * <p>This thread decodes each payload, drops messages of rooms left meanwhile and any repeat (see
 * {@link RoomState#accept}), and calls the listener in arrival order, which is each room's id order.
 *
 * <p>Catching up (docs/streams.md): pub/sub keeps nothing for a subscriber that was away. When a room is
 * subscribed again after an outage, when a room's ids show a hole, or when this queue overflowed and dropped a
 * room's message, this thread reads the room's history after the last position it delivered (one Redis round trip) and delivers what the node missed, then
 * goes on with live messages, skipping those the history already had. What the history no longer holds is
 * reported to the listener as a gap, so the room's sockets are told; a stream that restarted in a new epoch and
 * holds nothing yet is announced ({@link RelayListener#onNewEpoch}), so sockets stop waiting for what will never
 * come. Every other change of a room's epoch is announced too, before the first message of the new one, so each
 * socket learns the two epochs' order (a socket's own catch-up read may be ahead of this thread or behind it).
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
    // Dispatch thread only: when a catch-up read last failed, so the next ones do not each wait for Redis again.
    private long catchUpFailedNanos;
    private boolean catchUpFailing;
    private final Thread thread;
    private volatile boolean running = true;

    RedisDispatcher(String nodeId, RedisKeys keys, JoinedRooms rooms, Supplier<UnifiedJedis> client,
                    StreamScripts scripts, StreamRetention retention, RelayListener listener, ChatMetrics metrics) {
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

    // ---- subscriber thread: never blocks ----

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
        enqueue(new Received(channel, payload));
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        OwnedThreads.join(thread, OwnedThreads.STOP_TIMEOUT);
    }

    private void enqueue(Work work) {
        if (queue.offer(work)) {
            return;
        }
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
            try {
                if (work instanceof Received received) {
                    deliverLive(received);
                } else if (work instanceof CatchUp catchUp) {
                    catchUp(catchUp.room);
                }
                if (!overflowed.isEmpty() && queue.remainingCapacity() > QUEUE_CAPACITY / 2) {
                    for (RoomName room : Set.copyOf(overflowed)) {
                        overflowed.remove(room);
                        catchUp(room);
                    }
                }
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "Unexpected failure while dispatching chat messages", e);
            }
        }
    }

    private void deliverLive(Received received) {
        RoomName room = keys.roomOf(received.channel).orElse(null);
        if (room == null) {
            return; // the node's own channel carries nothing
        }
        if (received.payload.startsWith(RoomEvents.REDIS_MARKER)) {
            roomEvent(room, received.payload.substring(RoomEvents.REDIS_MARKER.length()));
            return;
        }
        ChatMessage message;
        try {
            message = RedisPayload.decode(room, received.payload);
        } catch (IllegalArgumentException e) {
            LOG.log(Level.WARNING, "Ignoring a message on " + received.channel + " that is not from a chat server", e);
            return;
        }
        RoomState state = rooms.get(room);
        if (state == null) {
            return; // the room's last socket left while this was on its way
        }
        if (state.isHoleBefore(message.position())) {
            catchUp(room); // the missing ones first, then this one unless the history already had it
        }
        deliver(state, message);
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
