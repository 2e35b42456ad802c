package org.chatrooms.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ThrottledLogTest {

    private static final Duration MINUTE = Duration.ofMinutes(1);

    private final AtomicLong now = new AtomicLong(-5_000_000_000L); // nanoTime may be negative
    private final List<LogRecord> lines = new ArrayList<>();
    private Logger logger;
    private ThrottledLog log;

    @BeforeEach
    void capture() {
        logger = Logger.getLogger(ThrottledLogTest.class.getName() + "." + System.nanoTime());
        logger.setUseParentHandlers(false);
        logger.setLevel(Level.ALL);
        logger.addHandler(new Handler() {
            @Override
            public synchronized void publish(LogRecord record) {
                lines.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
        log = new ThrottledLog(logger, Level.INFO, MINUTE, now::get);
    }

    @AfterEach
    void release() {
        for (Handler handler : logger.getHandlers()) {
            logger.removeHandler(handler);
        }
    }

    private void advance(Duration by) {
        now.addAndGet(by.toNanos());
    }

    private List<String> messages() {
        return lines.stream().map(LogRecord::getMessage).toList();
    }

    @Test
    void theFirstEventIsLoggedAtOnce() {
        log.log(() -> "refused 1");
        assertEquals(List.of("refused 1"), messages());
        assertEquals(Level.INFO, lines.get(0).getLevel());
    }

    @Test
    void eventsWithinTheIntervalAreCountedAndReportedWithTheNextLine() {
        log.log(() -> "refused 1");
        for (int i = 2; i <= 1000; i++) {
            advance(Duration.ofMillis(50));
            int n = i;
            log.log(() -> "refused " + n);
        }
        assertEquals(List.of("refused 1"), messages(), "999 events within 50 s: one line");

        advance(Duration.ofMillis(10_050)); // 60 s after the first line
        log.log(() -> "refused 1001");
        assertEquals(List.of("refused 1",
                "refused 1001 (and 999 more like it in the 60 s before, not logged one by one)"), messages());
    }

    @Test
    void aQuietIntervalLogsTheNextEventWithoutACount() {
        log.log(() -> "first");
        advance(MINUTE.plusSeconds(1));
        log.log(() -> "second");
        assertEquals(List.of("first", "second"), messages());
    }

    @Test
    void justBeforeTheIntervalEndsIsStillCounted() {
        log.log(() -> "first");
        advance(MINUTE.minusNanos(1));
        log.log(() -> "counted");
        advance(Duration.ofNanos(1));
        log.log(() -> "third");
        assertEquals(List.of("first", "third (and 1 more like it in the 60 s before, not logged one by one)"),
                messages());
    }

    @Test
    void suppressedMessagesAreNeverBuilt() {
        AtomicInteger built = new AtomicInteger();
        for (int i = 0; i < 100; i++) {
            log.log(() -> "built " + built.incrementAndGet());
        }
        assertEquals(1, built.get());
    }

    @Test
    void nothingIsCountedOrBuiltWhileTheLevelIsOff() {
        logger.setLevel(Level.WARNING);
        AtomicInteger built = new AtomicInteger();
        log.log(() -> "built " + built.incrementAndGet());
        logger.setLevel(Level.ALL);
        log.log(() -> "now logged");
        assertEquals(0, built.get());
        assertEquals(List.of("now logged"), messages());
    }

    @Test
    void manyThreadsAtOnceStillLogOneLineAndLoseNoCount() throws Exception {
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 2500; i++) {
                    log.log(() -> "burst");
                }
            }, "throttled-log-test-" + t);
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join(Duration.ofSeconds(5).toMillis());
            assertFalse(thread.isAlive(), thread.getName() + " still running");
        }
        advance(MINUTE);
        log.log(() -> "after");
        assertEquals(List.of("burst", "after (and 9999 more like it in the 60 s before, not logged one by one)"),
                messages());
    }
}
