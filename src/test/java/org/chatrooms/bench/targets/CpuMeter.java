package org.chatrooms.bench.targets;

/** Cumulative CPU time of something the benchmark measures (a process, or a thread of this JVM). */
@FunctionalInterface
public interface CpuMeter {

    /** CPU time used since it started, user and system, nanoseconds. */
    long cpuNanos();
}
