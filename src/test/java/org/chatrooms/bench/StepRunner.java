package org.chatrooms.bench;

import java.time.Duration;

import org.HdrHistogram.Histogram;
import org.chatrooms.bench.load.LoadClients;
import org.chatrooms.bench.load.Population;
import org.chatrooms.bench.load.Step;
import org.chatrooms.bench.load.StepStats;
import org.chatrooms.bench.report.StepResult;
import org.chatrooms.bench.targets.Target;

/** Runs one step of load against a target and turns what the tool and the CPU meters saw into a row. */
final class StepRunner {

    private final LoadClients tool;
    private final BenchSettings settings;

    StepRunner(LoadClients tool, BenchSettings settings) {
        this.tool = tool;
        this.settings = settings;
    }

    StepResult run(String scenario, Target target, Population population, double rate, double seconds)
            throws InterruptedException {
        CpuWindow window = CpuWindow.start(target.cpu(), tool::cpuNanos);
        Step step = tool.start(population, rate, seconds, BenchSettings.MESSAGE_BYTES);
        step.awaitSent();
        step.awaitDrained(Duration.ofMillis((long) (settings.drainSeconds() * 1000)));
        CpuWindow.Figures cpu = window.finish();
        StepStats stats = step.stats();
        Histogram latency = stats.latency();
        Histogram lag = stats.sendLag();
        double window_s = step.schedule().seconds();
        long delivered = stats.delivered();
        // CPU per delivery over the whole window (sending and draining), scaled to "% of a core per 1,000/s".
        double per1000 = delivered == 0 ? 0 : cpu.serverNanos() / 1e9 / delivered * 1000 * 100;
        boolean held = stats.lost() == 0 && stats.notSent() == 0
                && ms(latency.getValueAtPercentile(99)) <= BenchSettings.P99_BOUND_MS;
        int perRoom = population.sockets() / population.rooms().size();
        return new StepResult(scenario, target.key(), population.rooms().size(), perRoom, population.senders(),
                population.openSockets(), population.refused(), BenchSettings.MESSAGE_BYTES, rate, window_s,
                stats.sent(), stats.notSent(), stats.expected(), delivered, stats.lost(), stats.duplicated(),
                stats.outOfOrder(), stats.stale(), stats.errors(), stats.ignored(), stats.unreadable(),
                ms(latency.getValueAtPercentile(50)), ms(latency.getValueAtPercentile(90)),
                ms(latency.getValueAtPercentile(99)), ms(latency.getValueAtPercentile(99.9)),
                ms(latency.getMaxValue()), delivered / window_s, cpu.percentByServer(), cpu.serverPercent(),
                per1000, cpu.toolPercent(), cpu.jvmPercent(), cpu.otherPercent(target.inThisJvm()), ms(lag.getValueAtPercentile(99)), ms(lag.getMaxValue()), held,
                cpu.otherPercent(target.inThisJvm()) > StepResult.CONTENDED_PERCENT);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
