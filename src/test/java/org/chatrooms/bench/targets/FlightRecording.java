package org.chatrooms.bench.targets;

import java.nio.file.Path;
import java.util.List;

/**
 * A JFR recording ({@code settings=profile}: CPU samples, allocation, locks, thread parking) in every server JVM of
 * a target over one scenario, through {@code jcmd}, so the profile covers that window and nothing else. Each node's
 * file is {@code <directory>/<scenario>-<target>-node<N>.jfr}; read it with {@code jfr print} / {@code jfr summary}.
 */
public final class FlightRecording {

    private static final String NAME = "bench";

    private final List<Long> pids;
    private final Path directory;
    private final String label;

    private FlightRecording(List<Long> pids, Path directory, String label) {
        this.pids = pids;
        this.directory = directory;
        this.label = label;
    }

    public static FlightRecording start(Target target, Path directory, String scenario) {
        List<Long> pids = target.jvmPids();
        pids.forEach(pid -> HeapProbe.jcmd(pid, "JFR.start name=" + NAME + " settings=profile"));
        String label = (scenario + "-" + target.key()).replaceAll("[^A-Za-z0-9]+", "-"); // jcmd splits at spaces
        return new FlightRecording(pids, directory.toAbsolutePath(), label);
    }

    /** Stops the recordings and writes their files. */
    public void stop() {
        for (int i = 0; i < pids.size(); i++) {
            Path file = directory.resolve(label + "-node" + (i + 1) + ".jfr");
            HeapProbe.jcmd(pids.get(i), "JFR.stop name=" + NAME + " filename=" + file);
        }
    }
}
