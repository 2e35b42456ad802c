package org.chatrooms.relay;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.chatrooms.concurrent.OwnedThreads;
import org.chatrooms.protocol.ChatMessage;
import org.chatrooms.protocol.ChatPost;
import org.chatrooms.room.RoomName;

/**
 * The single-node relay, the default (like Django Channels' {@code InMemoryChannelLayer}).
 *
 * <p>Threads: {@link #publish} runs on the sender's container thread; it assigns the id and queues the message
 * under the room's lock, so queue order is id order. One thread, {@code chat-relay-dispatch}, calls the listener.
 * The queue is bounded: when the dispatch thread falls that far behind, publishing fails and the sender is told,
 * instead of memory growing.
 *
 * <p>A room's counter lives while the room is joined; a room that empties and fills again starts at id 1.
 */
public final class InMemoryRelay implements Relay {

    private static final Logger LOG = Logger.getLogger(InMemoryRelay.class.getName());
    static final int DISPATCH_QUEUE_CAPACITY = 10_000;

    private final Clock clock;
    private final ConcurrentHashMap<RoomName, RoomSequence> joined = new ConcurrentHashMap<>();
    private final OwnedThreads dispatchThreads = new OwnedThreads("chat-relay-dispatch");
    private final ThreadPoolExecutor dispatcher;
    private volatile RelayListener listener;

    public InMemoryRelay() {
        this(Clock.systemUTC());
    }

    InMemoryRelay(Clock clock) {
        this.clock = clock;
        this.dispatcher = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(DISPATCH_QUEUE_CAPACITY),
                dispatchThreads);
    }

    @Override
    public void start(RelayListener listener) {
        this.listener = Objects.requireNonNull(listener);
    }

    @Override
    public CompletionStage<Void> join(RoomName room) {
        joined.computeIfAbsent(room, r -> new RoomSequence());
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void leave(RoomName room) {
        joined.remove(room);
    }

    @Override
    public CompletionStage<ChatMessage> publish(ChatPost post) {
        RoomSequence sequence = joined.get(post.room());
        if (sequence == null) {
            // Only a socket of a joined room can post, so this is a post racing its room's last leave.
            return CompletableFuture.failedFuture(new RelayUnavailableException("room is closed"));
        }
        synchronized (sequence) {
            ChatMessage message = ChatMessage.of(post, sequence.last + 1, clock.instant());
            try {
                dispatcher.execute(() -> deliver(message));
            } catch (RejectedExecutionException e) {
                return CompletableFuture.failedFuture(
                        new RelayUnavailableException("server is overloaded or shutting down", e));
            }
            sequence.last = message.id();
            return CompletableFuture.completedFuture(message);
        }
    }

    private void deliver(ChatMessage message) {
        try {
            listener.onMessage(message);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "Relay listener failed on message " + message.id() + " of " + message.room(), e);
        }
    }

    @Override
    public boolean isReady() {
        return !dispatcher.isShutdown();
    }

    @Override
    public void close() {
        dispatchThreads.shutdown(dispatcher, Duration.ofSeconds(5));
    }

    /** Last id given out in one room; guarded by its own monitor. */
    private static final class RoomSequence {
        long last;
    }
}
