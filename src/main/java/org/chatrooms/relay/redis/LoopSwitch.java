package org.chatrooms.relay.redis;

import java.util.concurrent.TimeUnit;

/**
 * The on/off switch of a reconnect loop (the subscriber's, a shard link's): the loop runs while it is on and pauses
 * between attempts, and turning it off wakes a pause at once, so closing never waits out a backoff. Thread-safe.
 */
final class LoopSwitch {

    private boolean on;

    LoopSwitch(boolean on) {
        this.on = on;
    }

    synchronized void turnOn() {
        on = true;
    }

    /** Off for good; a loop in {@link #pause} returns at once. */
    synchronized void turnOff() {
        on = false;
        notifyAll();
    }

    synchronized boolean isOn() {
        return on;
    }

    /** Waits {@code millis}, or less if the switch is turned off meanwhile (or the thread interrupted). */
    synchronized void pause(long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        long left;
        while (on && (left = deadline - System.nanoTime()) > 0) {
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
