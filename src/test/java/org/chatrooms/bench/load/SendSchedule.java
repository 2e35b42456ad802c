package org.chatrooms.bench.load;

/**
 * Open-loop sending: message {@code n} of a step (all senders together) is due at {@code start + n / rate},
 * whether or not earlier messages were answered, and goes to sender {@code n mod senders} as that sender's
 * {@code n / senders}-th message. Senders thus take turns evenly, and a slow server cannot slow the offered load
 * down: it shows up as latency, measured from these due times.
 *
 * @param start    due time of message 0, {@link System#nanoTime()} scale
 * @param rate     messages per second, all senders together
 * @param messages messages in the step
 * @param senders  senders taking turns
 */
public record SendSchedule(long start, double rate, long messages, int senders) {

    public static SendSchedule of(long start, double rate, double seconds, int senders) {
        return new SendSchedule(start, rate, Math.max(1, Math.round(rate * seconds)), senders);
    }

    public long due(long n) {
        return start + (long) (n * 1e9 / rate);
    }

    public int sender(long n) {
        return (int) (n % senders);
    }

    public int seq(long n) {
        return (int) (n / senders);
    }

    /** When the last message is due. */
    public long end() {
        return due(messages - 1);
    }

    public double seconds() {
        return messages / rate;
    }
}
