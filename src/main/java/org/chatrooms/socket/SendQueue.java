package org.chatrooms.socket;

/**
 * The frames waiting for one socket, with what the slow-client rule needs to know about them: how much they hold
 * and how long the oldest has waited. The size is counted in characters, which is close to the bytes a queued
 * {@code String} occupies (Latin-1 text one byte each, other text two) and to what goes on the wire for most chat
 * text. Times are {@link System#nanoTime} values, one read per fan-out rather than per socket.
 *
 * <p>Memory: frames and their enqueue times sit in two parallel rings that exist only while something waits. Most
 * sockets are idle, and a healthy one's writes finish inside the send call, so its queue is empty nearly always;
 * holding no arrays then saves about 250 bytes per socket (10,000 idle sockets: 2.5 MB). A burst allocates them
 * again, at its working size after the first few frames, then nothing per frame until it has drained.
 *
 * <p>Not thread-safe: its {@link ClientConnection} guards it.
 */
final class SendQueue {

    private static final int FIRST_CAPACITY = 4;

    /** Null while empty. */
    private String[] frames;
    /** Beside {@link #frames}, slot for slot. */
    private long[] enqueuedAt;
    private int head;
    private int size;
    private long chars;

    void add(String frame, long nowNanos) {
        if (frames == null) {
            frames = new String[FIRST_CAPACITY];
            enqueuedAt = new long[FIRST_CAPACITY];
        } else if (size == frames.length) {
            grow();
        }
        int tail = (head + size) % frames.length;
        frames[tail] = frame;
        enqueuedAt[tail] = nowNanos;
        size++;
        chars += frame.length();
    }

    /** The oldest frame, removed; null when empty. */
    String poll() {
        if (size == 0) {
            return null;
        }
        String frame = frames[head];
        size--;
        chars -= frame.length();
        if (size == 0) {
            clear();
        } else {
            frames[head] = null;
            head = (head + 1) % frames.length;
        }
        return frame;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Characters waiting. */
    long chars() {
        return chars;
    }

    /** How long the oldest frame has waited at {@code nowNanos}; 0 when empty. */
    long oldestWaitNanos(long nowNanos) {
        return size == 0 ? 0 : nowNanos - enqueuedAt[head];
    }

    void clear() {
        frames = null;
        enqueuedAt = null;
        head = 0;
        size = 0;
        chars = 0;
    }

    private void grow() {
        String[] largerFrames = new String[frames.length * 2];
        long[] largerTimes = new long[frames.length * 2];
        for (int i = 0; i < size; i++) {
            int from = (head + i) % frames.length;
            largerFrames[i] = frames[from];
            largerTimes[i] = enqueuedAt[from];
        }
        frames = largerFrames;
        enqueuedAt = largerTimes;
        head = 0;
    }
}
