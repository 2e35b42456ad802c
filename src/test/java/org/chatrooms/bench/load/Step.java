package org.chatrooms.bench.load;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One measured step: a population sending on a schedule. Every selector thread sends its own senders' share;
 * receipts of this step's messages go to {@link #stats()}.
 */
public final class Step {

    private final int id;
    private final Population population;
    private final SendSchedule schedule;
    private final int messageBytes;
    private final StepStats stats = new StepStats();
    private final CountDownLatch sendingDone;

    Step(int id, Population population, SendSchedule schedule, int messageBytes, int loops) {
        this.id = id;
        this.population = population;
        this.schedule = schedule;
        this.messageBytes = messageBytes;
        this.sendingDone = new CountDownLatch(loops);
    }

    int id() {
        return id;
    }

    Population population() {
        return population;
    }

    int messageBytes() {
        return messageBytes;
    }

    public SendSchedule schedule() {
        return schedule;
    }

    public StepStats stats() {
        return stats;
    }

    /** A selector thread sent (or skipped) every message of its senders. */
    void sendingDone() {
        sendingDone.countDown();
    }

    /** Waits until every due message was handed to its socket. */
    public void awaitSent() throws InterruptedException {
        long wait = schedule.end() - System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        if (!sendingDone.await(wait, TimeUnit.NANOSECONDS)) {
            throw new IllegalStateException("the load tool did not finish sending step " + id);
        }
    }

    /**
     * After {@link #awaitSent()}: waits until every owed delivery arrived, or {@code patience} passed (then the
     * rest counts as lost). A poll, since "all delivered" is a sum over threads that no one thread can signal
     * cheaply; 5 ms between looks is well below the figures measured.
     */
    public void awaitDrained(Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (stats.delivered() < stats.expected() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }
}
