package org.chatrooms.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects java.util.logging records of one logger tree while open, e.g. {@code org.chatrooms} or
 * {@code org.apache.catalina.loader}. Embedded Tomcat leaves the JVM's global LogManager in place, so records of a
 * deployed WAR's classes arrive here too. Thread-safe; {@link #await} waits on the arrival of a matching record.
 */
public final class LogCapture extends Handler implements AutoCloseable {

    private final Logger logger;
    private final List<LogRecord> records = new ArrayList<>();

    private LogCapture(String name) {
        this.logger = Logger.getLogger(name); // held here: LogManager keeps loggers only weakly
        setLevel(Level.ALL);
        logger.addHandler(this);
    }

    public static LogCapture of(String loggerName) {
        return new LogCapture(loggerName);
    }

    @Override
    public synchronized void publish(LogRecord record) {
        records.add(record);
        notifyAll();
    }

    public synchronized List<LogRecord> records() {
        return List.copyOf(records);
    }

    public List<LogRecord> matching(Predicate<LogRecord> filter) {
        return records().stream().filter(filter).toList();
    }

    /** The first record matching {@code filter}, waiting up to {@code timeout} for it. */
    public synchronized LogRecord await(String what, Duration timeout, Predicate<LogRecord> filter) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (LogRecord record : records) {
                if (filter.test(record)) {
                    return record;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("No log record within " + timeout.toMillis() + " ms: " + what);
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    public static Predicate<LogRecord> message(Level level, String fragment) {
        return record -> record.getLevel().intValue() >= level.intValue()
                && text(record).contains(fragment);
    }

    /** The record's message with its parameters filled in. */
    public static String text(LogRecord record) {
        String message = record.getMessage() == null ? "" : record.getMessage();
        Object[] parameters = record.getParameters();
        return parameters == null ? message : java.text.MessageFormat.format(message, parameters);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
