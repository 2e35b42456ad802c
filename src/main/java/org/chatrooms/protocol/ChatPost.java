package org.chatrooms.protocol;

import org.chatrooms.room.RoomName;

/**
 * What one user posted to one room, validated but not yet ordered: the relay gives it a position and a time and
 * turns it into a {@link ChatMessage}.
 *
 * @param clientId the sender's own id for this message ({@code "cid"}), copied into the echo and into any error
 *                 about it so the sender knows exactly which message they belong to; null when it sent none
 * @param verified whether the container authenticated {@code user} (the handshake's principal); a guest's post
 *                 is never verified, whatever name it chose
 */
public record ChatPost(RoomName room, String user, String text, String clientId, boolean verified) {

    public ChatPost(RoomName room, String user, String text) {
        this(room, user, text, null, false);
    }

    /** A guest's post. */
    public ChatPost(RoomName room, String user, String text, String clientId) {
        this(room, user, text, clientId, false);
    }
}
