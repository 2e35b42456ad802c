package org.chatrooms.bench.load;

import java.nio.ByteBuffer;

/**
 * The text of every benchmark message: {@code <step>.<slot>.<seq>.<scheduled>.} padded with {@code x} to the
 * message size, all ASCII, so JSON never escapes it. {@code step} tells late frames of an earlier step apart;
 * {@code slot} is the sender's index within its room (a receiver only hears its own room); {@code seq} counts
 * that sender's messages in the step; {@code scheduled} is the scheduled send time in nanoseconds since the load
 * tool's epoch, so a receiver measures latency from the schedule, not from when the tool managed to send
 * (which would hide the tool's own lateness: coordinated omission).
 *
 * <p>A mutable holder, reused by its parser for every frame.
 */
public final class MessageToken {

    int step;
    int slot;
    int seq;
    long scheduled;

    public int step() {
        return step;
    }

    public int slot() {
        return slot;
    }

    public int seq() {
        return seq;
    }

    public long scheduled() {
        return scheduled;
    }

    public static String text(int step, int slot, int seq, long scheduled, int size) {
        StringBuilder text = new StringBuilder(Math.max(size, 48));
        text.append(step).append('.').append(slot).append('.').append(seq).append('.').append(scheduled).append('.');
        while (text.length() < size) {
            text.append('x');
        }
        return text.toString();
    }

    /** Parses the token at {@code [start, end)} of {@code in}; false if it is not one of ours. */
    public boolean parse(ByteBuffer in, int start, int end) {
        long[] fields = new long[4];
        int at = start;
        for (int f = 0; f < 4; f++) {
            long value = 0;
            int digits = 0;
            while (at < end && in.get(at) >= '0' && in.get(at) <= '9') {
                value = value * 10 + (in.get(at) - '0');
                at++;
                digits++;
            }
            if (digits == 0 || digits > 18 || at >= end || in.get(at) != '.') {
                return false;
            }
            at++;
            fields[f] = value;
        }
        step = (int) fields[0];
        slot = (int) fields[1];
        seq = (int) fields[2];
        scheduled = fields[3];
        return true;
    }
}
