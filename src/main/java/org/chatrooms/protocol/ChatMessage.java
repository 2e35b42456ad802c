package org.chatrooms.protocol;

import java.time.Instant;

import org.chatrooms.room.StreamPosition;
import org.chatrooms.room.RoomName;

/**
 * A chat message as the relay ordered it: its {@code position} in the room's stream (ids increase by one per
 * message within an epoch, on every node) and {@code timestamp}, the relay's clock when it was numbered.
 *
 * @param clientId the sender's id for this message, or null (see {@link ChatPost#clientId()})
 * @param verified whether the container authenticated the sender ({@link ChatPost#verified()})
 */
public record ChatMessage(RoomName room, StreamPosition position, Instant timestamp, String user, String text,
                          String clientId, boolean verified) {

    /** A guest's message. */
    public ChatMessage(RoomName room, StreamPosition position, Instant timestamp, String user, String text,
                       String clientId) {
        this(room, position, timestamp, user, text, clientId, false);
    }

    public static ChatMessage of(ChatPost post, StreamPosition position, Instant timestamp) {
        return new ChatMessage(post.room(), position, timestamp, post.user(), post.text(), post.clientId(),
                post.verified());
    }

    public long id() {
        return position.id();
    }

    public String epoch() {
        return position.epoch();
    }
}
