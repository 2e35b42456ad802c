package org.chatrooms.bench.targets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A process's CPU time from {@code /proc/<pid>/stat}: {@code utime + stime} (fields 14 and 15), in clock ticks
 * of {@code getconf CLK_TCK} (100 per second on Linux, so a 4 s window resolves to 0.25 % of a core).
 */
public final class ProcessCpu implements CpuMeter {

    private static final long TICKS_PER_SECOND = clockTicks();

    private final Path stat;

    public ProcessCpu(long pid) {
        this.stat = Path.of("/proc", Long.toString(pid), "stat");
    }

    public static long ticksPerSecond() {
        return TICKS_PER_SECOND;
    }

    @Override
    public long cpuNanos() {
        String line;
        try {
            line = Files.readString(stat);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + stat, e);
        }
        // The command name (field 2) is in parentheses and may contain spaces: count fields after the last ')'.
        String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // fields 14 and 15 of the whole line
        return ticks * 1_000_000_000L / TICKS_PER_SECOND;
    }

    private static long clockTicks() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(getconf.getInputStream().readAllBytes()).trim();
            getconf.waitFor();
            return Long.parseLong(out);
        } catch (IOException | RuntimeException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
