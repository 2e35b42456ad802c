package org.chatrooms.bench.report;

import java.util.Map;

/**
 * The figures of one measured step. Latencies are milliseconds from each message's scheduled send time to its
 * receipt; CPU is percent of one core over the step's window (from just before the first message was due until
 * the last delivery arrived).
 *
 * @param scenario        e.g. "fan-out 1x50"
 * @param target          {@code floor}, {@code memory} or {@code redis}
 * @param socketsOpen     sockets of the population still open when the step ended
 * @param refused         sockets of the population that could not be opened
 * @param rate            messages per second offered, all senders together
 * @param deliveriesPerSecond deliveries received per second of the sending window
 * @param cpu             percent of a core per server process (and Redis)
 * @param serverCpu       their sum
 * @param cpuPer1000      {@code serverCpu} per 1,000 deliveries per second
 * @param toolCpu         percent of a core used by the load tool's selector threads
 * @param benchJvmCpu     percent of a core used by the whole benchmark JVM (tool, GC, the floor server)
 * @param otherCpu        percent of a core the machine spent on other people's processes meanwhile
 * @param sendLagP99      how late the tool itself sent (99th percentile), ms
 * @param held            nothing lost and p99 within the scenario's bound
 * @param contended       other people's processes used more than {@link #CONTENDED_PERCENT} % of a core
 *                        meanwhile: a failure may be theirs, so the ramp runs that rate again
 */
public record StepResult(String scenario, String target, int rooms, int perRoom, int senders, int socketsOpen,
                         long refused, int messageBytes,
                         double rate, double seconds, long sent, long notSent, long expected, long delivered,
                         long lost, long duplicated, long outOfOrder, long stale, long errors, long ignored,
                         long unreadable, double p50, double p90, double p99, double p999, double max,
                         double deliveriesPerSecond, Map<String, Double> cpu, double serverCpu, double cpuPer1000,
                         double toolCpu, double benchJvmCpu, double otherCpu, double sendLagP99, double sendLagMax, boolean held,
                         boolean contended) {

    /** Other load above which a step counts as contended. */
    public static final double CONTENDED_PERCENT = 30;
}
