package org.chatrooms.bench;

import java.util.LinkedHashMap;
import java.util.Map;

import org.chatrooms.bench.targets.CpuMeter;
import org.chatrooms.bench.targets.MachineCpu;
import org.chatrooms.bench.targets.ProcessCpu;

/** CPU used by each meter between {@link #start} and {@link #finish}, as percent of one core of wall time. */
final class CpuWindow {

    private static final CpuMeter MACHINE = new MachineCpu();
    private static final CpuMeter THIS_JVM = new ProcessCpu(ProcessHandle.current().pid());

    private final Map<String, CpuMeter> meters;
    private final CpuMeter tool;
    private final Map<String, Long> startCpu = new LinkedHashMap<>();
    private final long startTool;
    private final long startJvm;
    private final long startMachine;
    private final long startWall;

    private CpuWindow(Map<String, CpuMeter> meters, CpuMeter tool) {
        this.meters = meters;
        this.tool = tool;
        meters.forEach((name, meter) -> startCpu.put(name, meter.cpuNanos()));
        this.startTool = tool.cpuNanos();
        this.startJvm = THIS_JVM.cpuNanos();
        this.startMachine = MACHINE.cpuNanos();
        this.startWall = System.nanoTime();
    }

    static CpuWindow start(Map<String, CpuMeter> meters, CpuMeter tool) {
        return new CpuWindow(meters, tool);
    }

    /**
     * @param servers CPU nanoseconds per meter
     * @param tool    the load tool's selector threads
     * @param jvm     this whole JVM (tool, floor server when it is the target, GC, ...)
     * @param machine every process of the machine
     */
    record Figures(Map<String, Long> servers, long tool, long jvm, long machine, double seconds) {

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

        double jvmPercent() {
            return percent(jvm);
        }

        /** What the machine was busy with besides this JVM and the target's own processes. */
        double otherPercent(boolean targetInThisJvm) {
            return Math.max(0, percent(machine - jvm - (targetInThisJvm ? 0 : serverNanos())));
        }

        private double percent(long nanos) {
            return seconds <= 0 ? 0 : nanos / 1e9 / seconds * 100;
        }
    }

    Figures finish() {
        double seconds = (System.nanoTime() - startWall) / 1e9;
        Map<String, Long> used = new LinkedHashMap<>();
        meters.forEach((name, meter) -> used.put(name, meter.cpuNanos() - startCpu.get(name)));
        return new Figures(used, tool.cpuNanos() - startTool, THIS_JVM.cpuNanos() - startJvm,
                MACHINE.cpuNanos() - startMachine, seconds);
    }
}
