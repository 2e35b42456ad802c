package org.chatrooms.socket;

import java.util.ArrayDeque;

/**
 * The frames waiting for one socket, with what the slow-client rule needs to know about them: how much they hold
 * and how long the oldest has waited. The size is counted in characters, which is close to the bytes a queued
 * {@code String} occupies (Latin-1 text one byte each, other text two) and to what goes on the wire for most chat
 * text. Times are {@link System#nanoTime} values, one read per fan-out rather than per socket.
 *
 * <p>Not thread-safe: its {@link ClientConnection} guards it. Adding allocates nothing per frame once the queue has
 * grown to its working size (the enqueue times live in a ring of {@code long}s beside the frames).
 */
final class SendQueue {

    private final ArrayDeque<String> frames = new ArrayDeque<>();
    private long[] enqueuedAt = new long[16];
    private int head;
    private long chars;

    void add(String frame, long nowNanos) {
        if (frames.size() == enqueuedAt.length) {
            grow();
        }
        enqueuedAt[(head + frames.size()) % enqueuedAt.length] = nowNanos;
        frames.addLast(frame);
        chars += frame.length();
    }

    /** The oldest frame, removed; null when empty. */
    String poll() {
        String frame = frames.pollFirst();
        if (frame != null) {
            head = (head + 1) % enqueuedAt.length;
            chars -= frame.length();
        }
        return frame;
    }

    boolean isEmpty() {
        return frames.isEmpty();
    }

    /** Characters waiting. */
    long chars() {
        return chars;
    }

    /** How long the oldest frame has waited at {@code nowNanos}; 0 when empty. */
    long oldestWaitNanos(long nowNanos) {
        return frames.isEmpty() ? 0 : nowNanos - enqueuedAt[head];
    }

    void clear() {
        frames.clear();
        head = 0;
        chars = 0;
    }

    private void grow() {
        long[] larger = new long[enqueuedAt.length * 2];
        for (int i = 0; i < frames.size(); i++) {
            larger[i] = enqueuedAt[(head + i) % enqueuedAt.length];
        }
        enqueuedAt = larger;
        head = 0;
    }
}
