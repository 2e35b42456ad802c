package org.chatrooms.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Everything one benchmark run measured, in the order it was measured, plus what the load tool saw of its
 * connections. Filled by the scenario runner (one thread), then handed to the writers.
 */
public final class BenchReport {

    public static final String FAN_OUT_50 = "fan-out 1x50";
    public static final String FAN_OUT_1000 = "fan-out 1x1000";
    public static final String ROOMS_1000 = "1000 rooms x5";
    public static final String CHAT_RATE = "chat rate 1x50";

    private final Machine machine;
    private final boolean quick;
    private final Map<String, String> targets = new LinkedHashMap<>();
    private final List<StepResult> steps = new ArrayList<>();
    private final Map<String, Long> connections = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    /** Idle-socket results by target key (memory, memory-baseline), in the order measured. */
    private final Map<String, IdleResult> idle = new LinkedHashMap<>();

    public BenchReport(Machine machine, boolean quick) {
        this.machine = machine;
        this.quick = quick;
    }

    public Machine machine() {
        return machine;
    }

    public boolean quick() {
        return quick;
    }

    public void target(String key, String description) {
        targets.put(key, description);
    }

    public Map<String, String> targets() {
        return targets;
    }

    public void add(StepResult step) {
        steps.add(step);
    }

    public List<StepResult> steps() {
        return steps;
    }

    public void idle(String target, IdleResult result) {
        idle.put(target, result);
    }

    public Map<String, IdleResult> idle() {
        return idle;
    }

    /** The load tool's connection counts over the run: opened, refused, ended by the server (how). */
    public Map<String, Long> connections() {
        return connections;
    }

    /** Something that went wrong or needs saying beside the figures (a failed scenario, ...). */
    public void note(String note) {
        notes.add(note);
    }

    public List<String> notes() {
        return notes;
    }

    public List<StepResult> steps(String scenario, String target) {
        return steps.stream().filter(s -> s.scenario().equals(scenario) && s.target().equals(target)).toList();
    }

    /** The highest rate of a ramp before its first failed step. */
    public OptionalDouble highestHeld(String scenario, String target) {
        OptionalDouble best = OptionalDouble.empty();
        List<StepResult> ramp = steps(scenario, target);
        for (int i = 0; i < ramp.size(); i++) {
            StepResult step = ramp.get(i);
            boolean retried = i + 1 < ramp.size() && ramp.get(i + 1).rate() == step.rate();
            if (!step.held() && !retried) {
                break;
            }
            if (step.held()) {
                best = OptionalDouble.of(step.rate());
            }
        }
        return best;
    }

    /** Whether the ramp failed a step, or ran out of rates to try (then the highest held is a lower bound). */
    public boolean rampFailed(String scenario, String target) {
        return steps(scenario, target).stream().anyMatch(s -> !s.held());
    }

    /**
     * The load tool's own cost, percent of a core per 1,000 deliveries per second, at the floor server's busiest
     * step that held: the most work it did for the cheapest server there is.
     */
    public OptionalDouble toolCostPer1000() {
        return steps.stream().filter(s -> s.target().equals("floor") && s.held() && s.deliveriesPerSecond() > 0)
                .max(java.util.Comparator.comparingDouble(StepResult::deliveriesPerSecond))
                .map(s -> OptionalDouble.of(s.toolCpu() / (s.deliveriesPerSecond() / 1000)))
                .orElse(OptionalDouble.empty());
    }

    /** Scenario 4: the two-node cluster's highest held rate over the single node's. */
    public OptionalDouble clusterRatio(String scenario) {
        OptionalDouble cluster = highestHeld(scenario, "redis");
        OptionalDouble single = highestHeld(scenario, "memory");
        if (cluster.isEmpty() || single.isEmpty() || single.getAsDouble() == 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(cluster.getAsDouble() / single.getAsDouble());
    }
}
