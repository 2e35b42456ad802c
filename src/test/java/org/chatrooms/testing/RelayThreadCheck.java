package org.chatrooms.testing;

import java.time.Duration;
import java.util.List;

/**
 * The relays' threads are all named {@code chat-redis-*} or {@code chat-relay-*}; after every node of a test was
 * stopped, none may be left (a leaked thread keeps a whole undeployed web application in memory).
 */
public final class RelayThreadCheck {

    /**
     * An executor reports termination when its last worker is leaving, a moment before that thread has ended;
     * joining covers that moment without accepting a thread that really stays.
     */
    private static final Duration EXIT_GRACE = Duration.ofSeconds(2);

    private RelayThreadCheck() {
    }

    public static List<Thread> aliveRelayThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .filter(thread -> isRelayThread(thread.getName()))
                .toList();
    }

    public static boolean isRelayThread(String name) {
        return name.startsWith("chat-redis-") || name.startsWith("chat-relay-");
    }

    public static void assertNoneAlive() {
        long deadline = System.nanoTime() + EXIT_GRACE.toNanos();
        for (Thread thread : aliveRelayThreads()) {
            try {
                thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        List<String> alive = aliveRelayThreads().stream().map(Thread::getName).sorted().toList();
        if (!alive.isEmpty()) {
            throw new AssertionError("Relay threads outlived their node: " + alive);
        }
    }
}
