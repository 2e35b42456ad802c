package org.chatrooms.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import org.chatrooms.config.ChatConfig;

/**
 * How long and how hard the benchmark runs. {@code -Dbench.quick=true} runs every scenario briefly (a smoke test of
 * the benchmark itself, about a minute); {@code -Dbench.targets=floor,memory,redis,idle} picks the targets.
 *
 * @param stepSeconds   sending window of each ramp step
 * @param drainSeconds  how long after the last send a step waits for owed deliveries before counting them lost
 * @param rates50       ramp of the 1 x 50 room, messages per second (all 5 senders together)
 * @param rates1000     ramp of the 1 x 1,000 room
 * @param steadyRate    1,000 rooms x 5: messages per second, one sender per room
 * @param chatSeconds   window of the chat-rate (87 msg/s) cost measurement
 * @param idleSockets   sockets of the idle-memory scenario
 * @param idleSeconds   its CPU window: one keepalive interval, so the window holds one round of pings
 * @param scenarios     which scenarios the node targets run: chat, fan50, fan1000, rooms
 * @param jfr           where JFR recordings of the chat-rate scenario go; null: no recording
 * @param baselineJvm   JVM options of the "-baseline" node targets ({@code -Dbench.baselineJvm=a,b}); none: no
 *                      baseline targets
 */
record BenchSettings(boolean quick, double stepSeconds, double drainSeconds, double warmSeconds,
                     List<Double> rates50, List<Double> rates1000, double steadyRate, double steadySeconds,
                     double chatSeconds, int idleSockets, double idleSeconds, Set<String> targets,
                     Set<String> scenarios, Path jfr, List<String> baselineJvm, Path output) {

    /** Bound of a ramp step: its p99 must stay within it, and nothing may be lost. */
    static final double P99_BOUND_MS = 100;
    static final int MESSAGE_BYTES = 100;
    static final int SENDERS = 5;
    /** The original app's highest rate held, where scenario 5 compares cost. */
    static final double CHAT_RATE = 87;

    static BenchSettings fromSystemProperties() {
        boolean quick = Boolean.getBoolean("bench.quick");
        Set<String> targets = Set.copyOf(Arrays.asList(
                System.getProperty("bench.targets", "floor,memory,redis,idle").split(",")));
        Set<String> scenarios = Set.copyOf(Arrays.asList(
                System.getProperty("bench.scenarios", "chat,fan50,fan1000,rooms").split(",")));
        String jfrDirectory = System.getProperty("bench.jfr", "");
        Path jfr = jfrDirectory.isBlank() ? null : Path.of(jfrDirectory);
        Path output = Path.of(System.getProperty("chat.test.output", "target"), "bench");
        String chatSeconds = System.getProperty("bench.chatSeconds", "");
        List<String> baselineJvm = Arrays.stream(System.getProperty("bench.baselineJvm", "").split(","))
                .filter(option -> !option.isBlank()).toList();
        if (quick) {
            return new BenchSettings(true, 1, 1, 1, List.of(500.0, 1600.0, 4000.0), List.of(25.0, 100.0, 300.0),
                    1000, 2, seconds(chatSeconds, 3), 1_000, 2, targets, scenarios, jfr, baselineJvm, output);
        }
        return new BenchSettings(false, 4, 2, 20,
                List.of(250.0, 500.0, 1000.0, 1600.0, 2000.0, 2500.0, 3000.0, 4000.0, 5000.0, 6000.0, 8000.0),
                List.of(10.0, 25.0, 50.0, 100.0, 150.0, 200.0, 300.0, 400.0),
                1000, 10, seconds(chatSeconds, 15), 10_000, ChatConfig.DEFAULT_PING_SECONDS, targets, scenarios, jfr, baselineJvm, output);
    }

    private static double seconds(String setting, double otherwise) {
        return setting.isBlank() ? otherwise : Double.parseDouble(setting);
    }
}
