package org.chatrooms.bench.report;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonGenerator;

/** The run as JSON (through JSON-P), for comparing runs with a script: machine, every step, the summary. */
public final class JsonReport {

    private static final JsonProvider JSON = JsonProvider.provider();

    private JsonReport() {
    }

    public static void write(BenchReport report, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            JSON.createWriterFactory(Map.of(JsonGenerator.PRETTY_PRINTING, true)).createWriter(out)
                    .writeObject(toJson(report));
        }
    }

    static JsonObject toJson(BenchReport report) {
        Machine m = report.machine();
        JsonObjectBuilder machine = JSON.createObjectBuilder()
                .add("cores", m.cores()).add("cpu", m.cpu()).add("memoryMiB", m.memoryMiB()).add("os", m.os())
                .add("jdk", m.jdk()).add("tomcat", m.tomcat()).add("clockTicksPerSecond", m.clockTicks());
        JsonObjectBuilder targets = JSON.createObjectBuilder();
        report.targets().forEach(targets::add);
        JsonArrayBuilder steps = JSON.createArrayBuilder();
        report.steps().forEach(step -> steps.add(step(step)));
        JsonObjectBuilder root = JSON.createObjectBuilder()
                .add("machine", machine)
                .add("quick", report.quick())
                .add("targets", targets)
                .add("steps", steps)
                .add("summary", summary(report));
        var idleSockets = JSON.createObjectBuilder();
        report.idle().forEach((target, idle) -> idleSockets.add(target, JSON.createObjectBuilder()
                .add("sockets", idle.sockets()).add("opened", idle.opened()).add("refused", idle.refused())
                .add("heapBeforeBytes", idle.heapBefore()).add("heapAfterBytes", idle.heapAfter())
                .add("heapPerSocketKiB", round(idle.heapPerSocketKiB()))
                .add("rssBeforeBytes", idle.rssBefore()).add("rssAfterBytes", idle.rssAfter())
                .add("rssPerSocketKiB", round(idle.rssPerSocketKiB()))
                .add("seconds", idle.seconds()).add("idleCpuPercent", round(idle.idleCpu()))
                .add("pingsReceived", idle.pingsReceived())));
        root.add("idleSockets", idleSockets);
        JsonObjectBuilder connections = JSON.createObjectBuilder();
        report.connections().forEach(connections::add);
        root.add("connections", connections);
        JsonArrayBuilder notes = JSON.createArrayBuilder();
        report.notes().forEach(notes::add);
        return root.add("notes", notes).build();
    }

    private static JsonObjectBuilder step(StepResult s) {
        JsonObjectBuilder cpu = JSON.createObjectBuilder();
        s.cpu().forEach((name, percent) -> cpu.add(name, round(percent)));
        return JSON.createObjectBuilder()
                .add("scenario", s.scenario()).add("target", s.target())
                .add("rooms", s.rooms()).add("perRoom", s.perRoom()).add("senders", s.senders())
                .add("socketsOpenAtEnd", s.socketsOpen()).add("socketsRefused", s.refused())
                .add("messageBytes", s.messageBytes()).add("rate", s.rate()).add("seconds", round(s.seconds()))
                .add("sent", s.sent()).add("notSent", s.notSent()).add("expected", s.expected())
                .add("delivered", s.delivered()).add("lost", s.lost()).add("duplicated", s.duplicated())
                .add("outOfOrder", s.outOfOrder()).add("stale", s.stale()).add("errors", s.errors())
                .add("ignoredFrames", s.ignored()).add("unreadableFrames", s.unreadable())
                .add("latencyMs", JSON.createObjectBuilder().add("p50", round(s.p50())).add("p90", round(s.p90()))
                        .add("p99", round(s.p99())).add("p99.9", round(s.p999())).add("max", round(s.max())))
                .add("deliveriesPerSecond", round(s.deliveriesPerSecond()))
                .add("cpuPercentOfCore", cpu).add("serverCpuPercent", round(s.serverCpu()))
                .add("serverCpuPercentPer1000DeliveriesPerSecond", round(s.cpuPer1000()))
                .add("toolCpuPercent", round(s.toolCpu()))
                .add("benchJvmCpuPercent", round(s.benchJvmCpu())).add("otherProcessesCpuPercent", round(s.otherCpu()))
                .add("sendLagMs", JSON.createObjectBuilder().add("p99", round(s.sendLagP99()))
                        .add("max", round(s.sendLagMax())))
                .add("held", s.held()).add("contended", s.contended());
    }

    private static JsonObjectBuilder summary(BenchReport report) {
        JsonObjectBuilder summary = JSON.createObjectBuilder();
        for (String scenario : List.of(BenchReport.FAN_OUT_50, BenchReport.FAN_OUT_1000)) {
            JsonObjectBuilder held = JSON.createObjectBuilder();
            for (String target : report.targets().keySet()) {
                report.highestHeld(scenario, target).ifPresent(rate -> held.add(target, rate));
            }
            JsonObjectBuilder entry = JSON.createObjectBuilder().add("highestRateHeld", held);
            report.clusterRatio(scenario).ifPresent(ratio -> entry.add("clusterRatio", round(ratio)));
            summary.add(scenario, entry);
        }
        report.toolCostPer1000().ifPresent(cost -> summary.add("toolCpuPercentPer1000DeliveriesPerSecond",
                round(cost)));
        return summary;
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
