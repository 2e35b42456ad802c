package org.chatrooms.bench.targets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * CPU time of the JIT compiler threads ({@code C1 CompilerThre*}, {@code C2 CompilerThre*}) of some JVMs, from
 * {@code /proc/<pid>/task/<tid>/stat}, so the benchmark can wait for compilation to settle before it measures.
 *
 * <p>Why: a profile of the chat-rate step (async-profiler, 25 s inside the window) found C2 using 21-44 % of a
 * node's CPU there, 50 s after the node started: switching from the warm-up's 500 msg/s to 87 msg/s and opening a
 * new room of 50 changes the code's profile, and C2 recompiles. After 10,000 handshakes, the idle scenario's
 * window was 95 % compilation. A server that has run for a while has compiled all this; the figures should be its
 * figures. Threads that end (C2 adds and removes compiler threads as its queue grows) drop out of the sum, so a
 * reading can go down; {@link #busySince} treats that as quiet, never as negative work.
 */
public final class CompilerCpu {

    private final List<Long> pids;

    public CompilerCpu(List<Long> pids) {
        this.pids = List.copyOf(pids);
    }

    /** CPU time the compiler threads of every JVM have used, nanoseconds (live threads only). */
    public long cpuNanos() {
        long ticks = 0;
        for (long pid : pids) {
            Path tasks = Path.of("/proc", Long.toString(pid), "task");
            try (Stream<Path> threads = Files.list(tasks)) {
                ticks += threads.mapToLong(CompilerCpu::compilerTicks).sum();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + tasks, e);
            }
        }
        return ticks * 1_000_000_000L / ProcessCpu.ticksPerSecond();
    }

    /** Share of one core the compiler threads used since {@code startNanos} ({@link #cpuNanos}) over {@code seconds}. */
    public double busySince(long startNanos, double seconds) {
        return Math.max(0, cpuNanos() - startNanos) / 1e9 / seconds * 100;
    }

    private static long compilerTicks(Path thread) {
        try {
            String line = Files.readString(thread.resolve("stat"));
            String name = line.substring(line.indexOf('(') + 1, line.lastIndexOf(')'));
            if (!name.startsWith("C1 CompilerThre") && !name.startsWith("C2 CompilerThre")) {
                return 0;
            }
            String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException e) {
            return 0; // the thread ended meanwhile
        }
    }
}
