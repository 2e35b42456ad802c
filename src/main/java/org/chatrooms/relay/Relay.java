package org.chatrooms.relay;

import java.util.concurrent.CompletionStage;

import org.chatrooms.protocol.ChatMessage;
import org.chatrooms.protocol.ChatPost;
import org.chatrooms.room.RoomName;
import org.chatrooms.room.StreamPosition;

/**
 * The one path every chat message takes, the role Django Channels gives its channel layer. A node publishes what
 * its users post and delivers to its sockets only what comes back through {@link RelayListener}: the sender's own
 * echo is its acknowledgement, and one-node and cluster runs share the same delivery code.
 *
 * <p>Every room is a stream (docs/streams.md): each message has a {@link StreamPosition}, and the relay keeps
 * the newest messages of each room as its history. Guarantees, for every implementation:
 * <ul>
 *   <li>the relay assigns each message its position and timestamp: within one epoch ids increase by one per
 *       message, without holes, and are never reused; when the relay lost or cannot trust a room's stream (it
 *       expired, the node restarted, Redis restarted or went back to an older snapshot) the room continues in a
 *       new epoch, from id 1;</li>
 *   <li>the history holds the room's newest messages (up to the configured size) and is updated in the same
 *       step as the message is numbered: a message delivered to any node is already in it;</li>
 *   <li>every node that joined a room receives that room's messages in id order, each once (after a node lost
 *       its connection to a shared relay, it receives what it missed from the history; what the history no
 *       longer holds is reported with {@link RelayListener#onGap});</li>
 *   <li>a node receives nothing of rooms it has not joined (or has left);</li>
 *   <li>{@link #publish} fails (never drops silently) when the message cannot reach the room, so the sender can
 *       be told;</li>
 *   <li>a resend ({@link ChatPost#resend()}) is published only if the room's history, in the current epoch, does
 *       not hold its original already (same sender, verified or not, and client id): a client that resends what it never saw
 *       acknowledged does not post it twice. Beyond the history (older, trimmed, another epoch) it is published
 *       again.</li>
 * </ul>
 * Beside messages a relay carries room events ({@link RoomEvents}: presence joins and leaves), to
 * {@link RelayListener#onRoomEvent} on the same dispatch thread, in order with the room's messages; they are not
 * numbered, not kept in the history and not caught up (at most once).
 * All methods are thread-safe and none blocks on the network: waiting happens on the returned stages.
 */
public interface Relay extends AutoCloseable {

    /** Begins relaying to {@code listener}; called once, before any other method. */
    void start(RelayListener listener);

    /**
     * Asks to receive {@code room}'s messages. The stage completes once messages published after it completed
     * are certain to arrive; while a shared relay is unreachable it stays pending, so callers wait with a timeout.
     * Joins and leaves of one room are called in order (the caller serialises them).
     */
    CompletionStage<Void> join(RoomName room);

    /** Stops receiving {@code room}'s messages; the last local socket of the room left. */
    void leave(RoomName room);

    /**
     * Orders and distributes a post. The stage completes with the ordered message once the relay accepted it,
     * exceptionally with {@link RelayUnavailableException} when it did not reach the room, or with
     * {@link RepeatedPostException} for a resend the room already has.
     */
    CompletionStage<ChatMessage> publish(ChatPost post);

    /**
     * Reads {@code room}'s history: the held messages {@code filter} asks for and the stream's current top. The
     * stage fails with {@link RelayUnavailableException} when the history cannot be read.
     */
    CompletionStage<History> history(RoomName room, HistoryFilter filter);

    /** Whether the relay can carry messages right now (readiness probe). */
    boolean isReady();

    /** Stops every thread of the relay and releases its connections; waits a bounded time. */
    @Override
    void close();
}
