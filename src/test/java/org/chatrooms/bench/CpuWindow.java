package org.chatrooms.bench;

import java.util.LinkedHashMap;
import java.util.Map;

import org.chatrooms.bench.target.CpuMeter;

/** CPU used by each meter between {@link #start} and {@link #finish}, as percent of one core of wall time. */
final class CpuWindow {

    private final Map<String, CpuMeter> meters;
    private final CpuMeter tool;
    private final Map<String, Long> startCpu = new LinkedHashMap<>();
    private final long startTool;
    private final long startWall;

    private CpuWindow(Map<String, CpuMeter> meters, CpuMeter tool) {
        this.meters = meters;
        this.tool = tool;
        meters.forEach((name, meter) -> startCpu.put(name, meter.cpuNanos()));
        this.startTool = tool.cpuNanos();
        this.startWall = System.nanoTime();
    }

    static CpuWindow start(Map<String, CpuMeter> meters, CpuMeter tool) {
        return new CpuWindow(meters, tool);
    }

    /** @param servers CPU nanoseconds per meter; {@code seconds} of wall time */
    record Figures(Map<String, Long> servers, long tool, double seconds) {

        Map<String, Double> percentByServer() {
            Map<String, Double> percent = new LinkedHashMap<>();
            servers.forEach((name, nanos) -> percent.put(name, percent(nanos)));
            return percent;
        }

        double serverPercent() {
            return percent(servers.values().stream().mapToLong(Long::longValue).sum());
        }

        long serverNanos() {
            return servers.values().stream().mapToLong(Long::longValue).sum();
        }

        double toolPercent() {
            return percent(tool);
        }

        private double percent(long nanos) {
            return seconds <= 0 ? 0 : nanos / 1e9 / seconds * 100;
        }
    }

    Figures finish() {
        double seconds = (System.nanoTime() - startWall) / 1e9;
        Map<String, Long> used = new LinkedHashMap<>();
        meters.forEach((name, meter) -> used.put(name, meter.cpuNanos() - startCpu.get(name)));
        return new Figures(used, tool.cpuNanos() - startTool, seconds);
    }
}
