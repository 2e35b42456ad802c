package org.chatrooms.bench.targets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Busy CPU time of the whole machine, from the first line of {@code /proc/stat} (user, nice, system, irq,
 * softirq, steal; in clock ticks). The machine is shared: what is busy beyond our processes is other people's
 * load, and each step reports it so a noisy figure can be recognised as one.
 */
public final class MachineCpu implements CpuMeter {

    private static final Path STAT = Path.of("/proc/stat");

    @Override
    public long cpuNanos() {
        try (var lines = Files.lines(STAT)) {
            String[] fields = lines.findFirst().orElseThrow().trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal ...
            long busy = 0;
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
                busy += Long.parseLong(fields[i]);
            }
            return busy * 1_000_000_000L / ProcessCpu.ticksPerSecond();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
