package org.chatrooms.protocol;

import org.chatrooms.room.RoomName;

/**
 * What one user posted to one room, validated but not yet ordered: the relay gives it an id and a time and
 * turns it into a {@link ChatMessage}.
 */
public record ChatPost(RoomName room, String user, String text) {
}
