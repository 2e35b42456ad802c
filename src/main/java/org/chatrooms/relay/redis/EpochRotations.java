package org.chatrooms.relay.redis;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

import org.chatrooms.metrics.ChatMetrics;
import org.chatrooms.room.RoomName;

/**
 * Rooms whose stream this node's script moved to a new epoch because Redis lost or rolled back its data (see
 * {@code stream-epoch.lua}). A Redis restart touches every room, so this logs one WARNING at the first and then
 * at most one a minute with the count since, never a line per room. Thread-safe.
 */
final class EpochRotations {

    private static final Logger LOG = Logger.getLogger(EpochRotations.class.getName());
    private static final long SUMMARY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final ChatMetrics metrics;
    private final AtomicLong unlogged = new AtomicLong();
    private final AtomicLong total = new AtomicLong();
    private volatile long lastLoggedNanos = System.nanoTime() - SUMMARY_NANOS;

    EpochRotations(ChatMetrics metrics) {
        this.metrics = metrics;
    }

    void record(RoomName room) {
        metrics.epochRotated();
        total.incrementAndGet();
        long count = unlogged.incrementAndGet();
        long now = System.nanoTime();
        long last = lastLoggedNanos;
        if (now - last >= SUMMARY_NANOS && unlogged.compareAndSet(count, 0)) {
            lastLoggedNanos = now;
            LOG.warning(() -> "Redis lost or went back to older chat data (restart, older snapshot or failover): "
                    + count + " room(s), e.g. " + room + ", continue in a new epoch; their clients that resume are "
                    + "told messages may be missing");
        }
    }

    /** Rooms moved to a new epoch by this node since it started. */
    long total() {
        return total.get();
    }
}
