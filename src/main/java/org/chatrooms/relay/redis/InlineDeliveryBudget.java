package org.chatrooms.relay.redis;

import java.util.concurrent.TimeUnit;

/**
 * How much of its time a subscriber's read loop may spend delivering messages itself rather than handing them to
 * the dispatch thread ({@link RedisDispatcher}): at most {@code inlineNanos} of every {@code windowNanos}.
 *
 * <p>Why a share of time and not a count: a message costs its delivery to every local socket of its room, a room
 * of 2 or of 1,000. At chat rates the share is never used up and every message skips the hand-off; under load the
 * rest of each window goes to the dispatch thread, so reading from Redis and writing to sockets run on two cores
 * again and Redis does not have to buffer for a read loop busy writing.
 *
 * <p>Threads: not thread-safe; {@link RedisDispatcher} uses it only while holding its delivery lock.
 */
final class InlineDeliveryBudget {

    /** A quarter of every 100 ms. */
    static final InlineDeliveryBudget DEFAULT =
            new InlineDeliveryBudget(TimeUnit.MILLISECONDS.toNanos(100), TimeUnit.MILLISECONDS.toNanos(25));

    private final long windowNanos;
    private final long inlineNanos;
    private long windowStart = System.nanoTime();
    private long used;

    InlineDeliveryBudget(long windowNanos, long inlineNanos) {
        if (windowNanos <= 0 || inlineNanos < 0 || inlineNanos > windowNanos) {
            throw new IllegalArgumentException("inline " + inlineNanos + " ns of a " + windowNanos + " ns window");
        }
        this.windowNanos = windowNanos;
        this.inlineNanos = inlineNanos;
    }

    /** A fresh budget with the same share, for one dispatcher (the instances carry state). */
    InlineDeliveryBudget copy() {
        return new InlineDeliveryBudget(windowNanos, inlineNanos);
    }

    /** Whether a read loop may deliver a message itself at {@code now} ({@link System#nanoTime}). */
    boolean allows(long now) {
        if (now - windowStart >= windowNanos) {
            windowStart = now;
            used = 0;
        }
        return used < inlineNanos;
    }

    /** A read loop spent {@code nanos} delivering. */
    void spent(long nanos) {
        used += nanos;
    }
}
