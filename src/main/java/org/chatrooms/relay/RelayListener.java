package org.chatrooms.relay;

import org.chatrooms.protocol.ChatMessage;
import org.chatrooms.room.RoomName;

/**
 * Receives every message of the rooms this node joined, including the ones this node published.
 *
 * <p>Threading: a relay calls its listener from one thread at a time, in the room's order, each call seeing what
 * the one before it did; "the dispatch thread" below means whichever thread that is (the relay's own dispatch
 * thread; for the Redis relay, also a subscriber read loop that delivers what it read while the dispatch thread
 * is idle). The listener must not block it (no socket writes that wait, no locks held by slow code): every room
 * of the node waits behind it.
 */
public interface RelayListener {

    void onMessage(ChatMessage message);

    /**
     * Messages of {@code room} were lost on their way to this node and could not be recovered from the history
     * (the node was away too long, or its dispatch queue overflowed): its sockets must be told. Later messages
     * still arrive. Called on the dispatch thread, in order with the room's messages.
     */
    void onGap(RoomName room);

    /**
     * The room's live stream restarted in {@code epoch} (Redis lost it: a failover, a restart): called before the
     * first message of the new epoch, and also when a catch-up read found the new epoch holding none of its messages
     * yet. Readers still in an earlier epoch move on, since whatever of that epoch they lack will never come; and a
     * reader learns the two epochs' order, which their tokens do not tell (docs/streams.md). Called on the dispatch
     * thread, in order with the room's messages; nothing by default.
     */
    default void onNewEpoch(RoomName room, String epoch) {
    }

    /**
     * A room event ({@link RoomEvents}: a presence join or leave), not a message: not numbered, not in the
     * history. Called on the dispatch thread, in order with the room's messages; nothing by default.
     */
    default void onRoomEvent(RoomName room, String event) {
    }
}
