package org.chatrooms.relay;

import org.chatrooms.room.RoomName;

/**
 * Room events beside the messages: short texts that another seam (presence) hands to the relay to reach every
 * node that joined the room, where {@link RelayListener#onRoomEvent} receives them on the dispatch thread, in
 * order with the room's messages. They are not numbered, not kept in the history, and not caught up after a
 * reconnect (at most once). The in-memory relay takes them here; with Redis, the presence scripts publish them
 * on the room's channel themselves, as {@value #REDIS_MARKER} followed by the text, a line that can never be a
 * message (those start with an epoch, letters and digits only).
 */
public interface RoomEvents {

    /** How a room event starts on a room's Redis channel. */
    String REDIS_MARKER = "~";

    /** Queues {@code event} for every listener of {@code room}; never blocks (dropped, with a log line, when full). */
    void announce(RoomName room, String event);
}
