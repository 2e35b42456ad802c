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
 * @param resend   the sender says it sent this post before without seeing it come back (always with a
 *                 {@code clientId}): the relay publishes it only if the room's history lacks it
 *                 ({@link #isRepeatOf})
 */
public record ChatPost(RoomName room, String user, String text, String clientId, boolean verified, boolean resend) {

    public ChatPost {
        if (resend && clientId == null) {
            throw new IllegalArgumentException("a resend needs its client id");
        }
    }

    public ChatPost(RoomName room, String user, String text, String clientId, boolean verified) {
        this(room, user, text, clientId, verified, false);
    }

    public ChatPost(RoomName room, String user, String text) {
        this(room, user, text, null, false);
    }

    /** A guest's post. */
    public ChatPost(RoomName room, String user, String text, String clientId) {
        this(room, user, text, clientId, false);
    }

    /** The same post again, as a resend. */
    public ChatPost asResend() {
        return new ChatPost(room, user, text, clientId, verified, true);
    }

    /**
     * Whether {@code held}, a message of the room, is this resend's original: the same sender (name, and verified
     * or not) and the same client id. (A client id is the sender's own, so the sender is needed too: a guest who
     * took a verified user's name while that user was away must not suppress the user's resend.)
     */
    public boolean isRepeatOf(ChatMessage held) {
        return resend && clientId.equals(held.clientId()) && user.equals(held.user()) && verified == held.verified();
    }
}
