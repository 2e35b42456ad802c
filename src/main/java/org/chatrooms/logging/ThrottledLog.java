package org.chatrooms.logging;

import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A log line for an event that an attacker can repeat at will (a refused handshake, a flooding socket): at most
 * one line per interval, and that line counts the events it stood for since the previous one. Ten thousand refused
 * handshakes a minute then cost the log one line a minute, while the first of them still shows at once.
 *
 * <p>Events between two lines are only counted. Their count is reported with the next line, so when the events
 * stop, the count of the last ones waits until another event comes (as the kernel's "callbacks suppressed" does);
 * no timer thread is needed for it. Build messages with {@link LogText#quote} for any value from a request.
 *
 * <p>Threads: any number may call {@link #log}; the decision is made under a short lock and the logger is called
 * outside it.
 */
public final class ThrottledLog {

    private final Logger logger;
    private final Level level;
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private boolean loggedOnce;
    private long lastLogged;
    private long suppressed;

    public ThrottledLog(Logger logger, Level level, Duration interval) {
        this(logger, level, interval, System::nanoTime);
    }

    /** With a clock of its own ({@link System#nanoTime} semantics: only differences count), for tests. */
    public ThrottledLog(Logger logger, Level level, Duration interval, LongSupplier nanoClock) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive, not " + interval);
        }
        this.logger = logger;
        this.level = level;
        this.intervalNanos = interval.toNanos();
        this.nanoClock = nanoClock;
    }

    /**
     * Records one event; logs {@code message} if no line was logged within the interval, else only counts it.
     * The message is built only when it is logged.
     */
    public void log(Supplier<String> message) {
        if (!logger.isLoggable(level)) {
            return;
        }
        long now = nanoClock.getAsLong();
        long stoodFor;
        long since;
        synchronized (this) {
            if (loggedOnce && now - lastLogged < intervalNanos) {
                suppressed++;
                return;
            }
            stoodFor = suppressed;
            since = now - lastLogged;
            suppressed = 0;
            lastLogged = now;
            loggedOnce = true;
        }
        String line = message.get();
        if (stoodFor > 0) {
            line += " (and " + stoodFor + " more like it in the " + Duration.ofNanos(since).toSeconds()
                    + " s before, not logged one by one)";
        }
        logger.log(level, line);
    }
}
