package org.chatrooms.relay.redis;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Pauses between reconnect attempts: {@code min}, doubling per failure up to {@code max}, each shortened by up to
 * a quarter at random so that the nodes of a cluster do not all reconnect in the same instant after Redis
 * restarts. Not thread-safe: one reconnect loop owns it.
 */
final class Backoff {

    private final long minMillis;
    private final long maxMillis;
    private long nextMillis;

    Backoff(Duration min, Duration max) {
        this.minMillis = Math.max(1, min.toMillis());
        this.maxMillis = Math.max(minMillis, max.toMillis());
        this.nextMillis = minMillis;
    }

    /** The pause before the next attempt; each call doubles the one after. */
    long nextMillis() {
        long current = nextMillis;
        nextMillis = Math.min(maxMillis, current * 2);
        return current - ThreadLocalRandom.current().nextLong(current / 4 + 1);
    }

    /** After a connection that worked: the next failure starts again from the shortest pause. */
    void reset() {
        nextMillis = minMillis;
    }
}
