package org.chatrooms.bench.report;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.stream.Collectors;

/** The run as plain-text tables: one row per step, then the summary figures the issue asks for. */
public final class TableReport {

    private static final String ROW = "%-15s %-6s %8s %10s %9s %9s %6s %5s %5s %5s %8s %8s %8s %8s %8s %7s %6s %6s %6s %7s%n";

    private TableReport() {
    }

    public static void print(BenchReport report, PrintStream out) {
        out.println();
        out.println("Machine: " + report.machine().summary() + (report.quick() ? "  [quick mode]" : ""));
        report.targets().forEach((key, description) -> out.println("  " + key + ": " + description));
        out.println("Latency in ms from the scheduled send time; CPU in % of one core (servers: every node + Redis;"
                + " tool: the load tool's selector threads;"
                + " other: other people's processes on this shared machine); 'lag' = the tool's own send lateness,"
                + " p99 ms.");
        out.printf(Locale.ROOT, ROW, "scenario", "target", "msg/s", "deliv/s", "sent", "expected", "lost", "dup",
                "ooo", "err", "p50", "p90", "p99", "p99.9", "max", "srv CPU", "/1k", "tool", "other", "lag");
        for (StepResult s : report.steps()) {
            out.printf(Locale.ROOT, ROW, s.scenario(), s.target(), num(s.rate()), num(s.deliveriesPerSecond()),
                    s.sent(), s.expected(), s.lost(), s.duplicated(), s.outOfOrder(), s.errors(), ms(s.p50()),
                    ms(s.p90()), ms(s.p99()), ms(s.p999()), ms(s.max()), pct(s.serverCpu()), pct(s.cpuPer1000()),
                    pct(s.toolCpu()), pct(s.otherCpu()), ms(s.sendLagP99()) + (s.held() ? "" : s.contended() ? " X~" : " X"));
        }
        out.println("(X: the step failed its bound, something lost or p99 over 100 ms, and the ramp stopped there;"
                + " X~: it failed while other processes used over " + (int) StepResult.CONTENDED_PERCENT
                + " % of a core, and that rate was run again, at most twice)");
        out.println();
        summary(report, out);
    }

    private static void summary(BenchReport report, PrintStream out) {
        out.println("Summary (" + report.machine().summary() + ")");
        for (String scenario : List.of(BenchReport.FAN_OUT_50, BenchReport.FAN_OUT_1000)) {
            for (String target : report.targets().keySet()) {
                OptionalDouble held = report.highestHeld(scenario, target);
                if (report.steps(scenario, target).isEmpty()) {
                    continue;
                }
                int size = report.steps(scenario, target).get(0).perRoom();
                out.printf(Locale.ROOT, "  %-15s %-6s highest rate held: %s msg/s (%s deliveries/s)%s%n", scenario,
                        target, held.isPresent() ? num(held.getAsDouble()) : "none",
                        held.isPresent() ? num(held.getAsDouble() * size) : "-",
                        report.rampFailed(scenario, target) ? "" : "  (every rate tried held: a lower bound)");
            }
            report.clusterRatio(scenario).ifPresent(ratio -> out.printf(Locale.ROOT,
                    "  %-15s cluster cost: 2 nodes + Redis hold %.0f %% of one in-memory node's rate%n", scenario,
                    ratio * 100));
        }
        report.toolCostPer1000().ifPresent(cost -> out.printf(Locale.ROOT,
                "  load tool: %.2f %% of a core per 1,000 deliveries/s (busiest held floor step): its %d selector"
                        + " threads would saturate near %s deliveries/s with the machine to themselves%n", cost,
                2, num(200 / cost * 1000)));
        for (StepResult s : report.steps()) {
            if (s.scenario().equals(BenchReport.CHAT_RATE) || s.scenario().equals(BenchReport.ROOMS_1000)) {
                out.printf(Locale.ROOT, "  %-15s %-6s %s msg/s: p99 %s ms, servers %s %% of a core (%s), "
                                + "%s %% per 1,000 deliveries/s%s%n", s.scenario(), s.target(), num(s.rate()),
                        ms(s.p99()), pct(s.serverCpu()), cpuByProcess(s), pct(s.cpuPer1000()), timesFloor(report, s));
            }
        }
        report.idle().forEach((target, idle) -> out.printf(Locale.ROOT,
                "  idle sockets   %s %d opened (%d refused): heap %.1f KiB per socket after full GC "
                        + "(%.1f MiB -> %.1f MiB), RSS %.1f KiB per socket; idle CPU %.2f %% of a core over %.0f s, "
                        + "%d pings received%n",
                target, idle.opened(), idle.refused(), idle.heapPerSocketKiB(), idle.heapBefore() / 1048576.0,
                idle.heapAfter() / 1048576.0, idle.rssPerSocketKiB(), idle.idleCpu(), idle.seconds(),
                idle.pingsReceived()));
        out.println("  connections: " + report.connections());
        report.notes().forEach(note -> out.println("  note: " + note));
    }

    /**
     * The step's cost per delivery against the floor's in the same scenario and run (", 2.2 x the floor"), the
     * figure that survives a change of machine: the floor's own cost per delivery differed 2x between two of ours.
     */
    private static String timesFloor(BenchReport report, StepResult s) {
        if (s.target().equals("floor")) {
            return "";
        }
        return report.steps(s.scenario(), "floor").stream().filter(floor -> floor.rate() == s.rate())
                .filter(floor -> floor.cpuPer1000() > 0).findFirst()
                .map(floor -> String.format(Locale.ROOT, ", %.1f x the floor", s.cpuPer1000() / floor.cpuPer1000()))
                .orElse("");
    }

    private static String cpuByProcess(StepResult s) {
        return s.cpu().entrySet().stream().map(e -> e.getKey() + " " + pct(e.getValue()))
                .collect(Collectors.joining(", "));
    }

    static String num(double value) {
        return String.format(Locale.ROOT, "%,.0f", value);
    }

    static String ms(double value) {
        return String.format(Locale.ROOT, value < 10 ? "%.2f" : "%.1f", value);
    }

    static String pct(double value) {
        return String.format(Locale.ROOT, value < 10 ? "%.2f" : "%.1f", value);
    }
}
