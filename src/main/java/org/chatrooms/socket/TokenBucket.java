package org.chatrooms.socket;

/**
 * A token bucket: {@code burst} tokens at most, refilled at {@code perSecond} tokens a second, one token per
 * event. It starts full, so a fresh socket may send {@code burst} messages at once and then {@code perSecond}
 * a second on average.
 *
 * <p>Kept as credit in nanoseconds (a token is worth {@code 1e9 / perSecond} ns), so it needs no floating point
 * and no timer: the caller passes the time ({@link System#nanoTime} semantics; only differences count), and a
 * test passes its own.
 *
 * <p>Not thread-safe: one caller at a time, such as the container's callbacks of one socket, which the WebSocket
 * specification runs one after another (each call happens-before the next).
 */
public final class TokenBucket {

    private final long nanosPerToken;
    private final long capacityNanos;
    private long creditNanos;
    private long lastNanos;
    private boolean started;

    public TokenBucket(int perSecond, int burst) {
        if (perSecond <= 0 || burst <= 0) {
            throw new IllegalArgumentException("rate and burst must be positive, not " + perSecond + " and " + burst);
        }
        this.nanosPerToken = Math.round(1e9 / perSecond);
        this.capacityNanos = Math.multiplyExact(nanosPerToken, (long) burst);
    }

    /** Takes one token if there is one at {@code nowNanos}; false (and nothing taken) if the bucket is empty. */
    public boolean tryTake(long nowNanos) {
        if (!started) {
            started = true;
            creditNanos = capacityNanos;
            lastNanos = nowNanos;
        } else {
            long elapsed = nowNanos - lastNanos;
            if (elapsed > 0) { // a clock that stands still or steps back refills nothing
                // elapsed may be huge after a long pause: compare before adding, so nothing overflows
                creditNanos = elapsed >= capacityNanos - creditNanos ? capacityNanos : creditNanos + elapsed;
                lastNanos = nowNanos;
            }
        }
        if (creditNanos >= nanosPerToken) {
            creditNanos -= nanosPerToken;
            return true;
        }
        return false;
    }

    /** Whole tokens left as of the last call, for tests and diagnostics. */
    public long tokens() {
        return started ? creditNanos / nanosPerToken : capacityNanos / nanosPerToken;
    }
}
