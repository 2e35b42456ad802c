package org.chatrooms.relay;

import org.chatrooms.protocol.ChatMessage;

/**
 * A resend ({@link org.chatrooms.protocol.ChatPost#resend()}) whose original the room's history already holds:
 * nothing was published. The original reached the room; the sender's socket awaits it as this post's echo (its
 * resumed catch-up brings it, or it had it already), exactly as for a post just numbered.
 */
public final class RepeatedPostException extends RuntimeException {

    private final transient ChatMessage original;

    public RepeatedPostException(ChatMessage original) {
        super("already in room " + original.room() + " as message " + original.id(), null, false, false);
        this.original = original;
    }

    /** The message the history holds. */
    public ChatMessage original() {
        return original;
    }
}
