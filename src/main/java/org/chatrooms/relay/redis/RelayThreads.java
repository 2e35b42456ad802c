package org.chatrooms.relay.redis;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Creating and stopping the relay's threads, all named {@code chat-redis-<role>-<node id>} so that a leak shows in a
 * thread dump (and in Tomcat's undeploy warnings) with its owner. Daemon threads: a JVM whose application forgot
 * to stop the relay still exits, but {@link RedisRelay#close()} stops and joins them all.
 */
final class RelayThreads {

    private static final Logger LOG = Logger.getLogger(RelayThreads.class.getName());
    static final Duration EXECUTOR_STOP_TIMEOUT = Duration.ofSeconds(5);

    private RelayThreads() {
    }

    static Thread create(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        // The loops catch what they expect; should anything else end one, it must not end silently.
        thread.setUncaughtExceptionHandler((dead, e) ->
                LOG.log(Level.SEVERE, dead.getName() + " died; chat through Redis stops on this server", e));
        return thread;
    }

    /** Waits for a thread that was told to stop; interrupts it if it overstays. */
    static void join(Thread thread, Duration timeout) {
        if (thread.getState() == Thread.State.NEW) {
            return;
        }
        try {
            thread.join(timeout.toMillis());
            if (thread.isAlive()) {
                LOG.warning(() -> thread.getName() + " did not stop within " + timeout.toMillis()
                        + " ms; interrupting");
                thread.interrupt();
                thread.join(timeout.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for an executor that was shut down. */
    static void await(ExecutorService executor, String name) {
        try {
            if (!executor.awaitTermination(EXECUTOR_STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warning(() -> name + " did not stop within " + EXECUTOR_STOP_TIMEOUT.toMillis() + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
