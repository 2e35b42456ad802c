package org.chatrooms.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class OwnedThreadsTest {

    @Test
    void namesItsThreadsAndForgetsThoseThatEnded() throws InterruptedException {
        OwnedThreads owned = new OwnedThreads("chat-test");
        Thread thread = owned.newThread(() -> { });
        assertEquals("chat-test-1", thread.getName());
        assertTrue(thread.isDaemon());
        thread.start();
        thread.join(5_000);
        assertFalse(thread.isAlive());
        owned.newThread(() -> { });
        assertEquals(1, owned.remembered(), "a pool that retires idle threads must not make the set grow");
    }

    @Test
    void shutdownLetsRunningTasksFinishAndJoinsTheThreads() throws InterruptedException {
        OwnedThreads owned = new OwnedThreads("chat-test");
        ExecutorService executor = Executors.newFixedThreadPool(2, owned);
        CountDownLatch started = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < 2; i++) {
            executor.execute(() -> {
                started.countDown();
                try {
                    release.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        assertTrue(started.await(5, TimeUnit.SECONDS));
        release.countDown();
        owned.shutdown(executor, Duration.ofSeconds(5));
        assertTrue(executor.isTerminated());
    }
}
