package org.chatrooms.protocol;

import java.time.Instant;

import org.chatrooms.room.RoomName;

/**
 * A chat message as the relay ordered it: {@code id} increases by one per message within its room, on every
 * node, and {@code timestamp} is the relay's clock when it assigned the id.
 */
public record ChatMessage(RoomName room, long id, Instant timestamp, String user, String text) {

    public static ChatMessage of(ChatPost post, long id, Instant timestamp) {
        return new ChatMessage(post.room(), id, timestamp, post.user(), post.text());
    }
}
