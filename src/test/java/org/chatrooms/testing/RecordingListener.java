package org.chatrooms.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.chatrooms.protocol.ChatMessage;
import org.chatrooms.relay.RelayListener;
import org.chatrooms.room.RoomName;

/**
 * Records what a relay delivers, on which threads, and whether its calls ever overlapped or missed what the call
 * before did (the one-at-a-time contract of {@link RelayListener}); {@link #take} waits with a timeout.
 */
public final class RecordingListener implements RelayListener {

    private final BlockingQueue<ChatMessage> queue = new LinkedBlockingQueue<>();
    private final BlockingQueue<RoomName> gaps = new LinkedBlockingQueue<>();
    private final Set<String> threads = ConcurrentHashMap.newKeySet();
    private final AtomicInteger inside = new AtomicInteger();
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger breaches = new AtomicInteger();
    /** Deliberately plain: a relay whose calls do not happen one after the other can leave it behind. */
    private int callsSeen;

    @Override
    public void onGap(RoomName room) {
        enter();
        gaps.add(room);
        leave();
    }

    /** Rooms reported with a gap so far, in order, without waiting. */
    public List<RoomName> gaps() {
        return List.copyOf(gaps);
    }

    @Override
    public void onMessage(ChatMessage message) {
        enter();
        queue.add(message);
        leave();
    }

    private void enter() {
        threads.add(Thread.currentThread().getName());
        if (inside.incrementAndGet() != 1) {
            breaches.incrementAndGet(); // two calls at once
        }
        if (callsSeen != calls.getAndIncrement()) {
            breaches.incrementAndGet(); // this call did not see the previous one's write
        }
        callsSeen++;
    }

    private void leave() {
        inside.decrementAndGet();
    }

    /** Calls that overlapped another or did not see what the previous call wrote; 0 for a relay that keeps its contract. */
    public int breaches() {
        return breaches.get();
    }

    /** The next {@code count} messages; fails if they do not arrive within {@link Stages#WAIT}. */
    public List<ChatMessage> take(int count) {
        List<ChatMessage> taken = new ArrayList<>(count);
        long deadline = System.nanoTime() + Stages.WAIT.toNanos();
        try {
            while (taken.size() < count) {
                ChatMessage next = queue.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (next == null) {
                    throw new AssertionError("received " + taken.size() + " of " + count + " messages: "
                            + taken.stream().map(ChatMessage::text).collect(Collectors.joining(",")));
                }
                taken.add(next);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return taken;
    }

    /** Messages delivered and not taken yet, without waiting. */
    public List<ChatMessage> pending() {
        return List.copyOf(queue);
    }

    /** Names of the threads that called the listener. */
    public Set<String> threads() {
        return Set.copyOf(threads);
    }
}
