package org.chatrooms.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.chatrooms.bench.load.LoadClients;
import org.chatrooms.bench.report.BenchReport;
import org.chatrooms.bench.report.JsonReport;
import org.chatrooms.bench.report.Machine;
import org.chatrooms.bench.report.SvgChart;
import org.chatrooms.bench.report.TableReport;
import org.chatrooms.bench.targets.FloorTarget;
import org.chatrooms.bench.targets.NodeTarget;
import org.chatrooms.bench.targets.ProcessCpu;

/**
 * {@code ./mvnw -Pbench}: the benchmark of issue 12. Starts each target in turn (the in-process floor server, one
 * node with the in-memory relay, two nodes with a Redis it starts, a fresh node for idle sockets), drives it with
 * the project's load tool ({@link LoadClients}), stops it, and finally prints a table and writes
 * {@code target/bench/bench.json} and {@code target/bench/fan-out.svg}. Nothing is asserted: the machine is shared
 * and noisy, so read the ratios within one run rather than absolute figures across runs. A target that fails is
 * noted in the report and the others still run; everything started is stopped, failures included.
 */
public final class Benchmarks {

    private static final Logger LOG = Logger.getLogger(Benchmarks.class.getName());
    /** Selector threads of the load tool: two keep it well ahead of the servers on this 2-core machine. */
    private static final int TOOL_THREADS = 2;
    private static final String BASELINE = "-baseline";

    private Benchmarks() {
    }

    @FunctionalInterface
    private interface Part {
        void run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        BenchSettings settings = BenchSettings.fromSystemProperties();
        BenchReport report = new BenchReport(Machine.describe(ProcessCpu.ticksPerSecond()), settings.quick());
        List<String> nodeJvm = nodeJvmOptions();
        System.out.println("Benchmark on " + report.machine().summary() + (settings.quick() ? " [quick]" : ""));
        report.note("load average at start: " + loadAverage());
        try (LoadClients tool = new LoadClients(TOOL_THREADS)) {
            Scenarios scenarios = new Scenarios(tool, settings, report, System.out);
            try {
                part(report, settings, "floor", () -> {
                    try (FloorTarget floor = FloorTarget.start()) {
                        report.target(floor.key(), floor.description());
                        scenarios.warmUp(floor);
                        if (settings.scenarios().contains("chat")) {
                            scenarios.chatRate(floor); // the same step's floor, so its cost reads as a ratio
                        }
                        if (settings.scenarios().contains("fan50")) {
                            scenarios.fanOut(floor, BenchReport.FAN_OUT_50, 50, settings.rates50());
                        }
                        if (settings.scenarios().contains("fan1000")) {
                            scenarios.fanOut(floor, BenchReport.FAN_OUT_1000, 1000, settings.rates1000());
                        }
                    }
                });
                for (String variant : variants(settings)) {
                    List<String> jvm = variant.isEmpty() ? nodeJvm : withBaseline(nodeJvm, settings);
                    part(report, settings, "memory" + variant, () -> {
                        try (NodeTarget node = NodeTarget.inMemory(jvm, variant)) {
                            report.target(node.key(), node.description());
                            nodeScenarios(scenarios, settings, node);
                        }
                    });
                    part(report, settings, "redis" + variant, () -> {
                        try (NodeTarget cluster = NodeTarget.withRedis(2, jvm, variant)) {
                            report.target(cluster.key(), cluster.description());
                            nodeScenarios(scenarios, settings, cluster);
                        }
                    });
                }
                for (String variant : variants(settings)) {
                    List<String> jvm = variant.isEmpty() ? nodeJvm : withBaseline(nodeJvm, settings);
                    part(report, settings, "idle" + variant, () -> {
                        try (NodeTarget node = NodeTarget.inMemory(jvm, variant)) {
                            scenarios.idleSockets(node);
                        }
                    });
                }
            } finally {
                report.connections().put("opened", tool.counters().opened());
                report.connections().put("refused", tool.counters().refusedTotal());
                tool.counters().refused().forEach((why, count) -> report.connections().put("refused: " + why, count));
                tool.counters().ended().forEach((how, count) -> report.connections().put("ended: " + how, count));
                report.connections().put("errors between steps", tool.betweenSteps().errors());
            }
        } finally {
            report.note("load average at end: " + loadAverage());
            Path output = settings.output();
            TableReport.print(report, System.out);
            JsonReport.write(report, output.resolve("bench.json"));
            SvgChart.write(report, output.resolve("fan-out.svg"));
            System.out.println("Wrote " + output.resolve("bench.json") + " and " + output.resolve("fan-out.svg"));
        }
    }

    private static void nodeScenarios(Scenarios scenarios, BenchSettings settings, NodeTarget target)
            throws InterruptedException {
        scenarios.warmUp(target);
        if (settings.scenarios().contains("chat")) {
            scenarios.chatRate(target);
        }
        if (settings.scenarios().contains("fan50")) {
            scenarios.fanOut(target, BenchReport.FAN_OUT_50, 50, settings.rates50());
        }
        if (settings.scenarios().contains("fan1000")) {
            scenarios.fanOut(target, BenchReport.FAN_OUT_1000, 1000, settings.rates1000());
        }
        if (settings.scenarios().contains("rooms")) {
            scenarios.manyRooms(target);
        }
    }

    /**
     * "" (the nodes as built), then, with {@code -Dbench.baselineJvm}, "-baseline": the same targets again with
     * those JVM options, so a change and what it replaced are measured in one run (targets {@code memory-baseline},
     * {@code redis-baseline}, {@code idle-baseline}).
     */
    private static List<String> variants(BenchSettings settings) {
        return settings.baselineJvm().isEmpty() ? List.of("") : List.of("", BASELINE);
    }

    private static List<String> withBaseline(List<String> nodeJvm, BenchSettings settings) {
        List<String> options = new ArrayList<>(nodeJvm);
        options.addAll(settings.baselineJvm());
        return options;
    }

    /** Runs one target's part if selected; a failure is noted and logged, and the next part still runs. */
    private static void part(BenchReport report, BenchSettings settings, String name, Part part) {
        if (!settings.targets().contains(name)) {
            return;
        }
        try {
            part.run();
        } catch (Exception | AssertionError e) {
            LOG.log(Level.SEVERE, "Benchmark part '" + name + "' failed", e);
            report.note(name + " failed: " + e);
        }
    }

    /** 1, 5 and 15 minute load averages: the machine is shared, and this says how busy it was. */
    private static String loadAverage() {
        try {
            String[] fields = java.nio.file.Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    /**
     * The nodes get what this JVM was given for Tomcat (the pom's {@code --add-opens} flags, the logging
     * configuration) and a heap that 10,000 sockets fit in.
     */
    private static List<String> nodeJvmOptions() {
        List<String> options = new ArrayList<>(List.of("-Xmx2g"));
        for (String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (argument.startsWith("--add-opens") || argument.startsWith("-Djava.util.logging.config.file")) {
                options.add(argument);
            }
        }
        return options;
    }
}
