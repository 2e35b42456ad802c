package org.chatrooms.bench.load;

import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What happened during one step, written by every selector thread at once (adders and wait-free recorders),
 * read by the runner once the step drained.
 */
public final class StepStats {

    /** Latencies in nanoseconds up to an hour, 3 significant digits. */
    private final Recorder latency = new Recorder(3_600_000_000_000L, 3);
    /** How late the tool itself sent each message after its due time: the tool's own share of the latency. */
    private final Recorder sendLag = new Recorder(3_600_000_000_000L, 3);
    final LongAdder sent = new LongAdder();
    final LongAdder notSent = new LongAdder();
    final LongAdder expected = new LongAdder();
    final LongAdder delivered = new LongAdder();
    final LongAdder duplicated = new LongAdder();
    final LongAdder outOfOrder = new LongAdder();
    final LongAdder stale = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder history = new LongAdder();
    final LongAdder other = new LongAdder();
    final LongAdder malformed = new LongAdder();
    final LongAdder foreign = new LongAdder();
    private Histogram latencyTotal;
    private Histogram sendLagTotal;

    void recordLatency(long nanos) {
        latency.recordValue(Math.max(0, nanos));
    }

    void recordSendLag(long nanos) {
        sendLag.recordValue(Math.max(0, nanos));
    }

    /** Messages handed to the socket. */
    public long sent() {
        return sent.sum();
    }

    /** Messages due that could not be sent: their sender's socket was closed. */
    public long notSent() {
        return notSent.sum();
    }

    /** Deliveries owed: for each message sent, the open sockets of its room at that moment (echo included). */
    public long expected() {
        return expected.sum();
    }

    /** Distinct messages of this step received, per socket. */
    public long delivered() {
        return delivered.sum();
    }

    public long lost() {
        return Math.max(0, expected() - delivered());
    }

    public long duplicated() {
        return duplicated.sum();
    }

    /** Received after a later message of the same sender on the same socket. */
    public long outOfOrder() {
        return outOfOrder.sum();
    }

    /** Live messages of an earlier step that arrived during this one. */
    public long stale() {
        return stale.sum();
    }

    public long errors() {
        return errors.sum();
    }

    /** Frames ignored because they were history replays, or of another type (gap, presence, ...). */
    public long ignored() {
        return history.sum() + other.sum();
    }

    /** Frames that were no JSON object, or chat messages whose text is not one of our tokens. */
    public long unreadable() {
        return malformed.sum() + foreign.sum();
    }

    /** Latency from due time to receipt, nanoseconds; call once the step drained. */
    public synchronized Histogram latency() {
        if (latencyTotal == null) {
            latencyTotal = latency.getIntervalHistogram();
        }
        return latencyTotal;
    }

    public synchronized Histogram sendLag() {
        if (sendLagTotal == null) {
            sendLagTotal = sendLag.getIntervalHistogram();
        }
        return sendLagTotal;
    }
}
