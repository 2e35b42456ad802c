package org.chatrooms.concurrent;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A thread factory that remembers its threads, so their owner can stop them and wait until they are really gone.
 * An executor's {@code awaitTermination} returns while its last worker thread is still exiting; a container that
 * checks for leaked threads right after undeploy (Tomcat does) would report that thread, so owners join it too.
 *
 * <p>Every thread of the application is made here (pools through an instance, single loops through
 * {@link #thread}): named {@code chat-<role>...} so that a leak shows in a thread dump, and in Tomcat's undeploy
 * warnings, with its owner; daemon, so a JVM whose application forgot to stop still exits (but owners stop and
 * join them all); and never ending silently on an unexpected exception.
 */
public final class OwnedThreads implements ThreadFactory {

    private static final Logger LOG = Logger.getLogger(OwnedThreads.class.getName());
    /** How long an owner waits for its threads to finish what they were doing when told to stop. */
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    private final String prefix;
    private final AtomicInteger count = new AtomicInteger();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

    public OwnedThreads(String prefix) {
        this.prefix = prefix;
    }

    @Override
    public Thread newThread(Runnable task) {
        // Pools retire idle threads and make new ones: forget the ended ones, so the set stays as small as the pool.
        // (Removing a thread from inside its own run would let a join miss it in its last moments.)
        threads.removeIf(thread -> thread.getState() == Thread.State.TERMINATED);
        Thread thread = thread(prefix + "-" + count.incrementAndGet(), task);
        threads.add(thread);
        return thread;
    }

    /** A new, not yet started thread for one long-running loop; its owner joins it with {@link #join}. */
    public static Thread thread(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        // The loops catch what they expect; should anything else end one, it must not end silently.
        thread.setUncaughtExceptionHandler((dead, e) ->
                LOG.log(Level.SEVERE, dead.getName() + " died; the part of chat it ran stops on this server", e));
        return thread;
    }

    /** Waits for a thread that was told to stop; interrupts it if it overstays. */
    public static void join(Thread thread, Duration timeout) {
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

    /**
     * Shuts {@code executor} down (its threads must come from this factory), lets running tasks finish within
     * {@code timeout}, then interrupts them, and joins every thread.
     */
    public void shutdown(ExecutorService executor, Duration timeout) {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warning(() -> prefix + " threads did not finish within " + timeout + "; interrupting them");
                executor.shutdownNow();
            }
            joinAll(timeout);
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** Threads made here and remembered: the living, and ended ones not yet forgotten. */
    int remembered() {
        return threads.size();
    }

    /** Waits until every thread made here has ended, up to {@code timeout} in all. */
    public void joinAll(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread thread : Set.copyOf(threads)) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
            if (thread.isAlive()) {
                LOG.warning(() -> thread.getName() + " is still running after " + timeout);
            }
        }
    }
}
