package org.chatrooms.testing;

import java.time.Duration;
import java.util.List;

/**
 * The relays' threads are all named {@code chat-redis-*} or {@code chat-relay-*}, apart from the ones Jedis's
 * clients start themselves (Sentinel's {@code +switch-master} listeners, one per sentinel), known by their class;
 * after every node of a test was stopped, none may be left (a leaked thread keeps a whole undeployed web
 * application in memory).
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
                .filter(thread -> isRelayThread(thread.getName()) || isJedisThread(thread))
                .toList();
    }

    public static boolean isRelayThread(String name) {
        return name.startsWith("chat-redis-") || name.startsWith("chat-relay-");
    }

    /** The thread's name, class and where it is stuck. */
    private static String describe(Thread thread) {
        StringBuilder text = new StringBuilder(thread.getName()).append(" (").append(thread.getClass().getName())
                .append(')');
        StackTraceElement[] stack = thread.getStackTrace();
        for (int i = 0; i < Math.min(stack.length, 12); i++) {
            text.append("\n\tat ").append(stack[i]);
        }
        return text.toString();
    }

    /** A thread Jedis started, such as {@code SentineledConnectionProvider.SentinelListener}. */
    private static boolean isJedisThread(Thread thread) {
        return thread.getClass().getName().startsWith("redis.clients.jedis.");
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
        List<String> alive = aliveRelayThreads().stream().map(RelayThreadCheck::describe).sorted().toList();
        if (!alive.isEmpty()) {
            throw new AssertionError("Relay threads outlived their node: " + alive);
        }
    }
}
