package org.chatrooms.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import org.chatrooms.bench.load.LoadClients;
import org.chatrooms.bench.load.Population;
import org.chatrooms.bench.report.BenchReport;
import org.chatrooms.bench.report.IdleResult;
import org.chatrooms.bench.report.StepResult;
import org.chatrooms.bench.targets.CompilerCpu;
import org.chatrooms.bench.targets.CpuMeter;
import org.chatrooms.bench.targets.FlightRecording;
import org.chatrooms.bench.targets.HeapProbe;
import org.chatrooms.bench.targets.NodeTarget;
import org.chatrooms.bench.targets.ProcessCpu;
import org.chatrooms.bench.targets.Target;

/**
 * The scenarios of issue 12, each against whatever target it is given: fan-out ramps (1 x 50, 1 x 1,000), 1,000
 * rooms x 5 at a steady rate, chat-rate cost (87 msg/s into 1 x 50), and idle sockets. Results go to the report
 * and, one line per step, to {@code progress} as they come.
 */
final class Scenarios {

    private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(120);
    /** Re-runs of a ramp step that failed while other people's processes were busy. */
    private static final int RETRIES = 2;
    /** Settling before the chat-rate window: steps of this long, at most this many, until compilers are this quiet. */
    private static final double SETTLE_STEP_SECONDS = 5;
    private static final int SETTLE_STEPS = 8;
    private static final double QUIET_COMPILERS_PERCENT = 1.0;

    private final LoadClients tool;
    private final BenchSettings settings;
    private final BenchReport report;
    private final PrintStream progress;
    private final StepRunner steps;
    private int populations;

    Scenarios(LoadClients tool, BenchSettings settings, BenchReport report, PrintStream progress) {
        this.tool = tool;
        this.settings = settings;
        this.report = report;
        this.progress = progress;
        this.steps = new StepRunner(tool, settings);
    }

    /** An unrecorded step, so the target's JIT has compiled the hot path before anything is measured. */
    void warmUp(Target target) throws InterruptedException {
        Population population = open(target, 1, 50, BenchSettings.SENDERS);
        try {
            steps.run("warm-up", target, population, 500, settings.warmSeconds());
        } finally {
            tool.close(population);
        }
    }

    /** Scenario 1 (and 4, by running it on several targets): raise the rate until a step fails its bound. */
    void fanOut(Target target, String scenario, int perRoom, List<Double> rates) throws InterruptedException {
        Population population = open(target, 1, perRoom, BenchSettings.SENDERS);
        try {
            for (double rate : rates) {
                StepResult result = record(steps.run(scenario, target, population, rate, settings.stepSeconds()));
                // The machine is shared: a failure while others were busy is tried again, at most twice, unless
                // the server closed sockets (1013 to a client it could not keep up with): that failure is its own.
                for (int retry = 0; !result.held() && result.contended() && retry < RETRIES
                        && population.openSockets() == population.opened(); retry++) {
                    result = record(steps.run(scenario, target, population, rate, settings.stepSeconds()));
                }
                if (!result.held()) {
                    break;
                }
            }
        } finally {
            tool.close(population);
        }
    }

    /** Scenario 2: many small rooms, one sender each, all spanning every node. */
    void manyRooms(Target target) throws InterruptedException {
        Population population = open(target, 1000, 5, 1);
        try {
            settle(target, population, settings.steadyRate());
            record(steps.run(BenchReport.ROOMS_1000, target, population, settings.steadyRate(),
                    settings.steadySeconds()));
        } finally {
            tool.close(population);
        }
    }

    /** Scenario 5: what a delivery costs at the original app's highest rate. */
    void chatRate(Target target) throws InterruptedException {
        Population population = open(target, 1, 50, BenchSettings.SENDERS);
        settle(target, population, BenchSettings.CHAT_RATE);
        FlightRecording recording = settings.jfr() == null ? null
                : FlightRecording.start(target, settings.jfr(), BenchReport.CHAT_RATE);
        try {
            StepResult step = steps.run(BenchReport.CHAT_RATE, target, population, BenchSettings.CHAT_RATE,
                    settings.chatSeconds());
            record(step);
            atRest(target, step);
        } finally {
            if (recording != null) {
                recording.stop();
            }
            tool.close(population);
        }
    }

    /**
     * The chat-rate step's sockets with nothing sent, for as long: what the servers spend on timers, pings and
     * heartbeats whatever the rate. The chat-rate cost includes it; the rest is what the messages cost.
     */
    private void atRest(Target target, StepResult chatStep) throws InterruptedException {
        CpuWindow window = CpuWindow.start(target.cpu(), tool::cpuNanos);
        Thread.sleep((long) (settings.chatSeconds() * 1000));
        CpuWindow.Figures rest = window.finish();
        double restPer1000 = rest.serverPercent() / chatStep.deliveriesPerSecond() * 1000;
        StringBuilder byServer = new StringBuilder();
        rest.percentByServer().forEach((name, percent) -> byServer.append(byServer.length() == 0 ? "" : ", ")
                .append(String.format(Locale.ROOT, "%s %.2f", name, percent)));
        String line = String.format(Locale.ROOT, "%s %s at rest (its sockets open, nothing sent, %.0f s): servers "
                        + "%.2f %% of a core (%s), i.e. %.2f of its %.2f %% per 1,000 deliveries/s",
                BenchReport.CHAT_RATE, target.key(), rest.seconds(), rest.serverPercent(), byServer,
                restPer1000, chatStep.cpuPer1000());
        progress.println(line);
        report.note(line);
    }

    /**
     * Scenario 3: heap per idle socket after full GCs on a fresh node, and the node's CPU while they idle. The
     * clients are this tool's raw sockets, a few hundred bytes each, in this JVM: the node's figures are its own.
     */
    void idleSockets(NodeTarget node) throws InterruptedException {
        long pid = node.firstNodePid();
        // Load the socket classes and size the container's pools first, so "before" is not a cold node.
        tool.close(open(node, 10, 10, 0));
        long heapBefore = HeapProbe.usedAfterFullGc(pid);
        long rssBefore = HeapProbe.residentBytes(pid);
        int perRoom = 100;
        Population idle = open(node, settings.idleSockets() / perRoom, perRoom, 0);
        try {
            // Idle means idle: the handshakes' garbage collected and their code compiled.
            awaitCompilersQuiet(node);
            CpuMeter cpu = new ProcessCpu(pid);
            long pings = tool.counters().pings();
            long cpuStart = cpu.cpuNanos();
            long wallStart = System.nanoTime();
            Thread.sleep((long) (settings.idleSeconds() * 1000));
            double seconds = (System.nanoTime() - wallStart) / 1e9;
            double idleCpu = (cpu.cpuNanos() - cpuStart) / 1e9 / seconds * 100;
            long pingsReceived = tool.counters().pings() - pings;
            long heapAfter = HeapProbe.usedAfterFullGc(pid);
            long rssAfter = HeapProbe.residentBytes(pid);
            IdleResult result = new IdleResult(idle.sockets(), idle.opened(), idle.refused(), heapBefore, heapAfter,
                    rssBefore, rssAfter, seconds, idleCpu, pingsReceived);
            report.idle(node.key(), result);
            progress.printf(Locale.ROOT, "idle: %d sockets opened (%d refused, %d still open): %.1f KiB heap per "
                            + "socket, %.1f KiB RSS per socket, idle CPU %.2f %% of a core, %d pings%n",
                    idle.opened(), idle.refused(), idle.openSockets(), result.heapPerSocketKiB(),
                    result.rssPerSocketKiB(), idleCpu, pingsReceived);
        } finally {
            tool.close(idle);
        }
    }

    /**
     * Unmeasured steps at {@code rate} on {@code population} until the target's JIT compilers are quiet
     * ({@link CompilerCpu}), at most {@link #SETTLE_STEPS}: what is measured next is the server's steady state.
     */
    private void settle(Target target, Population population, double rate) throws InterruptedException {
        if (settings.quick() || target.jvmPids().isEmpty()) {
            return; // the floor runs in this JVM, whose compilers also serve the load tool
        }
        CompilerCpu compilers = new CompilerCpu(target.jvmPids());
        for (int i = 1; i <= SETTLE_STEPS; i++) {
            long before = compilers.cpuNanos();
            long wallStart = System.nanoTime();
            steps.run("settle", target, population, rate, SETTLE_STEP_SECONDS);
            double busy = compilers.busySince(before, (System.nanoTime() - wallStart) / 1e9);
            progress.printf(Locale.ROOT, "settle %d at %.0f msg/s: JIT compilers %.2f %% of a core%n", i, rate, busy);
            if (busy < QUIET_COMPILERS_PERCENT) {
                return;
            }
        }
        progress.printf(Locale.ROOT, "settle: JIT compilers still busy after %d steps; measuring anyway%n",
                SETTLE_STEPS);
    }

    /** Waits (at most a minute) until the node's JIT compilers are quiet, with no load. */
    private void awaitCompilersQuiet(NodeTarget node) throws InterruptedException {
        CompilerCpu compilers = new CompilerCpu(node.jvmPids());
        long deadline = System.nanoTime() + 60_000_000_000L;
        double busy;
        do {
            long before = compilers.cpuNanos();
            long wallStart = System.nanoTime();
            Thread.sleep(2_000);
            busy = compilers.busySince(before, (System.nanoTime() - wallStart) / 1e9);
        } while (busy >= QUIET_COMPILERS_PERCENT && System.nanoTime() < deadline);
        progress.printf(Locale.ROOT, "idle: JIT compilers at %.2f %% of a core before the window%n", busy);
    }

    private Population open(Target target, int rooms, int perRoom, int senders) throws InterruptedException {
        String prefix = "bench" + (++populations);
        Population population = tool.open(target.nodes(), prefix, rooms, perRoom, senders, OPEN_TIMEOUT);
        if (population.refused() > 0) {
            progress.printf(Locale.ROOT, "%s: %d of %d sockets not opened: %s%n", target.key(),
                    population.refused(), population.sockets(), tool.counters().refused());
        }
        return population;
    }

    private StepResult record(StepResult step) {
        report.add(step);
        progress.printf(Locale.ROOT, "%-15s %-6s %7.0f msg/s  %9.0f deliveries/s  lost %d dup %d ooo %d err %d  "
                        + "p50 %.2f p99 %.2f p99.9 %.2f max %.1f ms  servers %.1f %% (%.2f %%/1k)  tool %.1f %% other %.0f %%%s%n",
                step.scenario(), step.target(), step.rate(), step.deliveriesPerSecond(), step.lost(),
                step.duplicated(), step.outOfOrder(), step.errors(), step.p50(), step.p99(), step.p999(), step.max(),
                step.serverCpu(), step.cpuPer1000(), step.toolCpu(), step.otherCpu(), step.held() ? "" : step.contended() ? "  FAILED BOUND (contended)" : "  FAILED BOUND");
        return step;
    }
}
