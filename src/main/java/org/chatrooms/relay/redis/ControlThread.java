package org.chatrooms.relay.redis;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import org.chatrooms.concurrent.OwnedThreads;

/**
 * The {@code chat-redis-control-<node>} thread of a subscriber (one server's or a Cluster's): one scheduled thread
 * that writes subscriptions and pings, so the reading thread never writes. Both subscribers make and stop it here.
 */
final class ControlThread {

    private static final Logger LOG = Logger.getLogger(ControlThread.class.getName());

    private ControlThread() {
    }

    /** A new control thread's executor; delayed tasks are dropped once it is shut down. */
    static ScheduledThreadPoolExecutor create(String nodeId) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1,
                task -> OwnedThreads.thread("chat-redis-control-" + nodeId, task));
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return executor;
    }

    /** Waits, bounded, for a control executor that was shut down. */
    static void awaitStopped(ScheduledExecutorService control) {
        try {
            if (!control.awaitTermination(OwnedThreads.STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warning(() -> "The Redis control thread did not stop within " + OwnedThreads.STOP_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
