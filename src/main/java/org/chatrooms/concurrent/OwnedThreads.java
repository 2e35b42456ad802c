package org.chatrooms.concurrent;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * A thread factory that remembers its threads, so their owner can stop them and wait until they are really gone.
 * An executor's {@code awaitTermination} returns while its last worker thread is still exiting; a container that
 * checks for leaked threads right after undeploy (Tomcat does) would report that thread, so owners join it too.
 */
public final class OwnedThreads implements ThreadFactory {

    private static final Logger LOG = Logger.getLogger(OwnedThreads.class.getName());

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
        Thread thread = new Thread(task, prefix + "-" + count.incrementAndGet());
        thread.setDaemon(true);
        threads.add(thread);
        return thread;
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
