package org.chatrooms.relay.redis;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.chatrooms.protocol.ChatMessage;
import org.chatrooms.relay.RelayListener;
import org.chatrooms.relay.redis.JoinedRooms.RoomState;

/**
 * Hands messages from the subscriber's read loop to the {@link RelayListener}, on one thread of its own,
 * {@code chat-redis-dispatch-<node>}: the read loop only queues, so Redis never waits for local fan-out.
 *
 * <p>This thread decodes each payload, drops messages of rooms left meanwhile and any repeat (see
 * {@link RoomState#accept}), and calls the listener in arrival order, which is each room's id order.
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
    private final RelayListener listener;
    private final BlockingQueue<Received> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final AtomicLong overflowed = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    RedisDispatcher(String nodeId, RedisKeys keys, RedisPayload payload, JoinedRooms rooms, RelayListener listener) {
        this.keys = keys;
        this.payload = payload;
        this.rooms = rooms;
        this.listener = listener;
        this.thread = RelayThreads.create("chat-redis-dispatch-" + nodeId, this::run);
    }

    void start() {
        thread.start();
    }

    /** Queues a message from a room channel; never blocks (subscriber thread). */
    void offer(String channel, String message, long generation) {
        if (!queue.offer(new Received(channel, message, generation))) {
            // Losing it here is no worse than Redis disconnecting a slow subscriber, and says so in the log.
            if (overflowed.getAndIncrement() % 1000 == 0) {
                LOG.severe(() -> "Chat delivery on this server is " + QUEUE_CAPACITY + " messages behind; "
                        + overflowed.get() + " messages dropped so far");
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        RelayThreads.join(thread, RelayThreads.EXECUTOR_STOP_TIMEOUT);
    }

    private void run() {
        while (running) {
            Received received;
            try {
                received = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            deliver(received);
        }
    }

    private void deliver(Received received) {
        ChatMessage message;
        try {
            message = payload.decode(received.message);
        } catch (IllegalArgumentException e) {
            LOG.log(Level.WARNING, "Ignoring a message on " + received.channel + " that is not from a chat server", e);
            return;
        }
        if (!keys.roomOf(received.channel).map(message.room()::equals).orElse(false)) {
            LOG.warning(() -> "Ignoring a message for room " + message.room() + " sent on " + received.channel);
            return;
        }
        RoomState room = rooms.get(message.room());
        if (room == null) {
            return; // the room's last socket left while this was on its way
        }
        if (!room.accept(received.generation, message.id())) {
            LOG.warning(() -> "Dropped a repeated message " + message.id() + " of room " + message.room());
            return;
        }
        try {
            listener.onMessage(message);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "Relay listener failed on message " + message.id() + " of " + message.room(), e);
        }
    }

    private record Received(String channel, String message, long generation) {
    }
}
