package org.chatrooms.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition that has no signal to wait on (an HTTP status, a Redis counter, a thread list), checking it
 * every {@link #POLL} until a deadline, then fails naming what it waited for. Tests use it only for such outside
 * state; whatever offers a signal (a frame, a future, a log record) is awaited directly.
 */
public final class Eventually {

    public static final Duration POLL = Duration.ofMillis(25);

    private Eventually() {
    }

    /** Returns how long it took; fails after {@code timeout}. */
    public static Duration until(String what, Duration timeout, BooleanSupplier condition) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Not within " + timeout.toMillis() + " ms: " + what);
            }
            LockSupport.parkNanos(POLL.toNanos());
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** Like {@link #until}, with the last observed value in the failure message. */
    public static <T> T value(String what, Duration timeout, Supplier<T> probe, java.util.function.Predicate<T> done) {
        Object[] last = new Object[1];
        try {
            until(what, timeout, () -> {
                last[0] = probe.get();
                return done.test(cast(last[0]));
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + " (last: " + last[0] + ")", e);
        }
        return cast(last[0]);
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object value) {
        return (T) value;
    }
}
