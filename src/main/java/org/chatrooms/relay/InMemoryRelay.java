package org.chatrooms.relay;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.chatrooms.concurrent.OwnedThreads;
import org.chatrooms.protocol.ChatMessage;
import org.chatrooms.protocol.ChatPost;
import org.chatrooms.room.RoomName;
import org.chatrooms.room.StreamPosition;

/**
 * The single-node relay, the default (like Django Channels' {@code InMemoryChannelLayer}), with every feature of
 * the Redis relay: each room's stream (epoch, counter, the newest messages) lives here until the room has been
 * idle for {@link StreamRetention#idleTtl()}. Epochs start with a token made at start-up, so positions a client
 * kept from before a restart are recognised as stale.
 *
 * <p>Threads: {@link #publish} and {@link #history} run on container threads. Both work on a room's stream
 * inside {@link ConcurrentHashMap#compute}, which serialises them per room: a message is numbered, added to the
 * history and queued for dispatch in one step, so queue order is id order and the history never lacks a
 * delivered message; a resend whose original the history holds is refused in that same step. One thread,
 * {@code chat-relay-dispatch}, calls the listener. The dispatch queue is bounded: when that thread falls that far
 * behind, publishing fails and the sender is told, instead of memory growing.
 */
public final class InMemoryRelay implements Relay, RoomEvents {

    private static final Logger LOG = Logger.getLogger(InMemoryRelay.class.getName());
    static final int DISPATCH_QUEUE_CAPACITY = 10_000;
    /** Streams idle past their time are dropped during every this many joins, so memory follows active rooms. */
    private static final int SWEEP_EVERY_JOINS = 256;

    private final Clock clock;
    private final StreamRetention retention;
    private final String startToken = Long.toString(new SecureRandom().nextLong() >>> 16, 36);
    private final AtomicLong epochs = new AtomicLong();
    private final AtomicLong joins = new AtomicLong();
    private final ConcurrentHashMap<RoomName, RoomStream> streams = new ConcurrentHashMap<>();
    private final Set<RoomName> joined = ConcurrentHashMap.newKeySet();
    private final OwnedThreads dispatchThreads = new OwnedThreads("chat-relay-dispatch");
    private final ThreadPoolExecutor dispatcher;
    private volatile RelayListener listener;

    public InMemoryRelay() {
        this(StreamRetention.DEFAULT, Clock.systemUTC());
    }

    public InMemoryRelay(StreamRetention retention, Clock clock) {
        this.retention = retention;
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
        joined.add(room);
        if (joins.incrementAndGet() % SWEEP_EVERY_JOINS == 0) {
            dropIdleStreams();
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void leave(RoomName room) {
        joined.remove(room);
    }

    @Override
    public CompletionStage<ChatMessage> publish(ChatPost post) {
        if (!joined.contains(post.room())) {
            // Only a socket of a joined room can post, so this is a post racing its room's last leave.
            return CompletableFuture.failedFuture(new RelayUnavailableException("room is closed"));
        }
        Instant now = clock.instant();
        ChatMessage[] numbered = new ChatMessage[1];
        ChatMessage[] original = new ChatMessage[1];
        try {
            streams.compute(post.room(), (room, existing) -> {
                RoomStream stream = current(existing, now);
                original[0] = stream.originalOf(post);
                if (original[0] != null) {
                    return stream; // a resend the room has already: nothing numbered
                }
                ChatMessage message = ChatMessage.of(post, new StreamPosition(stream.epoch, stream.top + 1), now);
                dispatcher.execute(() -> deliver(message)); // throws when full: then nothing was numbered
                stream.append(message, retention.historySize(), now);
                numbered[0] = message;
                return stream;
            });
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(
                    new RelayUnavailableException("server is overloaded or shutting down", e));
        }
        if (original[0] != null) {
            return CompletableFuture.failedFuture(new RepeatedPostException(original[0]));
        }
        return CompletableFuture.completedFuture(numbered[0]);
    }

    /** Reads, and never creates, a room's stream: a handshake to a new room name costs nothing until it posts. */
    @Override
    public CompletionStage<History> history(RoomName room, HistoryFilter filter) {
        Instant now = clock.instant();
        History[] read = new History[1];
        streams.computeIfPresent(room, (name, stream) -> {
            if (stream.isIdle(now, retention.idleTtl())) {
                return null;
            }
            read[0] = stream.read(filter);
            return stream;
        });
        return CompletableFuture.completedFuture(read[0] != null ? read[0] : History.none(filter));
    }

    /**
     * Queued behind the messages numbered so far, so listeners get it in order with them; dropped (and logged)
     * when the dispatch queue is full, like a message Redis could not deliver.
     */
    @Override
    public void announce(RoomName room, String event) {
        if (!joined.contains(room)) {
            return; // nobody here listens to the room
        }
        try {
            dispatcher.execute(() -> {
                try {
                    listener.onRoomEvent(room, event);
                } catch (RuntimeException e) {
                    LOG.log(Level.SEVERE, "Relay listener failed on a room event of " + room, e);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.log(Level.WARNING, "Room event of " + room + " dropped: the dispatch queue is full or stopped", e);
        }
    }

    /** The room's stream, or a new epoch when it has none or it expired. Inside {@code compute} only. */
    private RoomStream current(RoomStream existing, Instant now) {
        if (existing != null && !existing.isIdle(now, retention.idleTtl())) {
            return existing;
        }
        return new RoomStream(startToken + "." + epochs.incrementAndGet(), now);
    }

    private void dropIdleStreams() {
        Instant now = clock.instant();
        for (RoomName room : streams.keySet()) {
            streams.computeIfPresent(room, (name, stream) -> stream.isIdle(now, retention.idleTtl()) ? null : stream);
        }
    }

    private void deliver(ChatMessage message) {
        try {
            listener.onMessage(message);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "Relay listener failed on message " + message.id() + " of " + message.room(), e);
        }
    }

    /** Rooms whose stream is held, idle ones included until swept; for tests of the memory bound. */
    int heldStreams() {
        return streams.size();
    }

    @Override
    public boolean isReady() {
        return !dispatcher.isShutdown();
    }

    @Override
    public void close() {
        dispatchThreads.shutdown(dispatcher, OwnedThreads.STOP_TIMEOUT);
    }

    /** One room's stream; touched only inside {@code compute} on its map entry, which serialises all access. */
    private static final class RoomStream {
        final String epoch;
        long top;
        Instant lastMessage;
        final ArrayDeque<ChatMessage> held = new ArrayDeque<>();

        RoomStream(String epoch, Instant created) {
            this.epoch = epoch;
            this.lastMessage = created;
        }

        boolean isIdle(Instant now, Duration ttl) {
            return Duration.between(lastMessage, now).compareTo(ttl) >= 0;
        }

        void append(ChatMessage message, int historySize, Instant now) {
            top = message.id();
            lastMessage = now;
            if (historySize > 0) {
                if (held.size() == historySize) {
                    held.removeFirst();
                }
                held.addLast(message);
            }
        }

        /** For a resend: the held message it repeats (newest first, as a resend follows its original), or null. */
        ChatMessage originalOf(ChatPost post) {
            if (!post.resend()) {
                return null;
            }
            for (var newestFirst = held.descendingIterator(); newestFirst.hasNext(); ) {
                ChatMessage message = newestFirst.next();
                if (post.isRepeatOf(message)) {
                    return message;
                }
            }
            return null;
        }

        History read(HistoryFilter filter) {
            StreamPosition position = new StreamPosition(epoch, top);
            History.Slice slice = History.slice(position, top - held.size() + 1, filter);
            List<ChatMessage> wanted = new ArrayList<>(held).subList((int) slice.from(), held.size());
            return new History(position, wanted, slice.complete());
        }
    }
}
