package org.chatrooms.relay.redis;

import java.util.concurrent.TimeUnit;

/**
 * How much of the time the subscriber's read loops may spend delivering messages themselves rather than handing
 * them to the dispatch thread ({@link RedisDispatcher}): about {@code inlineNanos} of every {@code windowNanos}.
 * Checked before a delivery and counted after it, so the last delivery of a window may overrun it by its own
 * length; one budget for all of a node's read loops (in a Cluster, one per shard).
 *
 * <p>Why a share of time and not a count: a message costs its delivery to every local socket of its room, a room
 * of 2 or of 1,000. At chat rates the share is never used up and every message skips the hand-off; under load the
 * rest of each window goes to the dispatch thread, so reading from Redis and writing to sockets run on two cores
 * again and Redis does not have to buffer for a read loop busy writing.
 *
 * <p>Threads: not thread-safe; {@link RedisDispatcher} uses it only while holding its delivery lock. Not final only
 * so that a test can decide for it.
 */
class InlineDeliveryBudget {

    /** A quarter of every 100 ms; a new one for each dispatcher (a budget carries state). */
    static InlineDeliveryBudget standard() {
        return new InlineDeliveryBudget(TimeUnit.MILLISECONDS.toNanos(100), TimeUnit.MILLISECONDS.toNanos(25));
    }

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
