package org.chatrooms.socket;

/**
 * Joins the parts of one WebSocket text message, up to a limit.
 *
 * <p>Why: containers allocate each socket's text buffer up front, at its full size. A buffer that fits the largest
 * frame we accept ({@code CHAT_MAX_FRAME_CHARS}, 64 Ki characters by default, as a client that escapes every
 * non-ASCII character needs) would cost every idle socket 128 KiB. So the container's buffer stays small, it hands
 * longer messages over in parts, and this joins them, holding memory only while a long message arrives.
 *
 * <p>Threads: one per socket; the container calls a socket's message handler one call at a time.
 */
final class FrameAssembler {

    /** Signals that the message being assembled is longer than the limit; its remaining parts are dropped. */
    static final class FrameTooLongException extends Exception {
        FrameTooLongException(int maxChars) {
            super("Frame longer than " + maxChars + " characters", null, false, false);
        }
    }

    private final int maxChars;
    private StringBuilder pending;
    private boolean discarding;

    FrameAssembler(int maxChars) {
        this.maxChars = maxChars;
    }

    /**
     * Adds one part; returns the whole frame with the last part, null before it.
     *
     * @throws FrameTooLongException once per too-long message, when it passes the limit
     */
    String add(String part, boolean last) throws FrameTooLongException {
        if (discarding) {
            discarding = !last;
            return null;
        }
        int length = (pending == null ? 0 : pending.length()) + part.length();
        if (length > maxChars) {
            pending = null;
            discarding = !last;
            throw new FrameTooLongException(maxChars);
        }
        if (last) {
            String frame = pending == null ? part : pending.append(part).toString();
            pending = null;
            return frame;
        }
        if (pending == null) {
            pending = new StringBuilder(Math.min(maxChars, part.length() * 2));
        }
        pending.append(part);
        return null;
    }
}
