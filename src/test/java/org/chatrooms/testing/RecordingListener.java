package org.chatrooms.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.chatrooms.protocol.ChatMessage;
import org.chatrooms.relay.RelayListener;
import org.chatrooms.room.RoomName;

/** Records what a relay delivers, and on which threads; {@link #take} waits with a timeout. */
public final class RecordingListener implements RelayListener {

    private final BlockingQueue<ChatMessage> queue = new LinkedBlockingQueue<>();
    private final BlockingQueue<RoomName> gaps = new LinkedBlockingQueue<>();
    private final Set<String> threads = ConcurrentHashMap.newKeySet();

    @Override
    public void onGap(RoomName room) {
        threads.add(Thread.currentThread().getName());
        gaps.add(room);
    }

    /** Rooms reported with a gap so far, in order, without waiting. */
    public List<RoomName> gaps() {
        return List.copyOf(gaps);
    }

    @Override
    public void onMessage(ChatMessage message) {
        threads.add(Thread.currentThread().getName());
        queue.add(message);
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
