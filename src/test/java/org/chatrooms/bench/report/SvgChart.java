package org.chatrooms.bench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The fan-out ramps as an SVG chart: one panel per room size, latency percentiles (log scale) against
 * deliveries per second, one colour per target, one dash pattern per percentile; failed steps ringed in red.
 * Plain SVG 1.1, no script, so any browser or {@code rsvg-convert} renders it.
 */
public final class SvgChart {

    private static final int PANEL_W = 560;
    private static final int PANEL_H = 380;
    private static final int LEFT = 70;
    private static final int TOP = 90;
    private static final int GAP = 90;
    private static final double Y_MIN = 0.1;
    private static final double Y_MAX = 1000;
    private static final Map<String, String> COLOURS = Map.of("floor", "#777777", "memory", "#1f6fb4",
            "redis", "#d9661c");
    private static final List<Percentile> PERCENTILES = List.of(
            new Percentile("p50", "6,4", StepResult::p50),
            new Percentile("p99", "", StepResult::p99),
            new Percentile("p99.9", "2,3", StepResult::p999));

    private record Percentile(String name, String dash, ToDoubleFunction<StepResult> value) {
    }

    private SvgChart() {
    }

    public static void write(BenchReport report, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, render(report), StandardCharsets.UTF_8);
    }

    static String render(BenchReport report) {
        List<String> scenarios = List.of(BenchReport.FAN_OUT_50, BenchReport.FAN_OUT_1000);
        int width = LEFT + scenarios.size() * (PANEL_W + GAP);
        int height = TOP + PANEL_H + 150;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans, Arial, sans-serif\" font-size=\"13\">%n",
                width, height, width, height));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        text(svg, LEFT, 28, 18, "start", "chatrooms fan-out: latency from scheduled send time against deliveries/s"
                + (report.quick() ? " (quick mode)" : ""));
        text(svg, LEFT, 50, 12, "start", report.machine().summary()
                + "; load tool and servers share the machine");
        for (int i = 0; i < scenarios.size(); i++) {
            panel(svg, report, scenarios.get(i), LEFT + i * (PANEL_W + GAP), TOP);
        }
        legend(svg, report, LEFT, TOP + PANEL_H + 60);
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static void panel(StringBuilder svg, BenchReport report, String scenario, int x0, int y0) {
        double xMax = niceCeiling(report.steps().stream().filter(s -> s.scenario().equals(scenario))
                .mapToDouble(StepResult::deliveriesPerSecond).max().orElse(1));
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\""
                + " stroke=\"#333\"/>%n", x0, y0, PANEL_W, PANEL_H));
        text(svg, x0 + PANEL_W / 2, y0 - 8, 14, "middle", scenario + " (5 senders, 100-byte messages)");
        for (double ms = Y_MIN; ms <= Y_MAX * 1.001; ms *= 10) {
            double y = y(ms, y0);
            line(svg, x0, y, x0 + PANEL_W, y, "#ddd", "", 1);
            text(svg, x0 - 6, y + 4, 12, "end", ms < 1 ? String.format(Locale.ROOT, "%.1f", ms)
                    : String.format(Locale.ROOT, "%.0f", ms));
        }
        double bound = y(100, y0);
        line(svg, x0, bound, x0 + PANEL_W, bound, "#c00", "8,4", 1);
        text(svg, x0 + PANEL_W - 4, bound - 4, 11, "end", "p99 bound 100 ms");
        for (int t = 0; t <= 5; t++) {
            double value = xMax * t / 5;
            double x = x0 + PANEL_W * t / 5.0;
            line(svg, x, y0 + PANEL_H, x, y0 + PANEL_H + 5, "#333", "", 1);
            text(svg, x, y0 + PANEL_H + 20, 12, "middle", TableReport.num(value));
        }
        text(svg, x0 + PANEL_W / 2, y0 + PANEL_H + 40, 13, "middle", "deliveries per second (received)");
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"13\" text-anchor=\"middle\""
                + " transform=\"rotate(-90 %d %d)\">latency, ms (log scale)</text>%n",
                x0 - 45, y0 + PANEL_H / 2, x0 - 45, y0 + PANEL_H / 2));
        for (String target : report.targets().keySet()) {
            // A step that delivered nothing (its sockets were closed) has no latency to draw.
            List<StepResult> steps = report.steps(scenario, target).stream()
                    .filter(s -> s.delivered() > 0).toList();
            if (steps.isEmpty()) {
                continue;
            }
            String colour = COLOURS.getOrDefault(target, "#000");
            for (Percentile p : PERCENTILES) {
                StringBuilder points = new StringBuilder();
                for (StepResult s : steps) {
                    points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(s.deliveriesPerSecond(), xMax, x0),
                            y(p.value().applyAsDouble(s), y0)));
                }
                svg.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\""
                        + " stroke-width=\"2\"%s/>%n", points.toString().trim(), colour,
                        p.dash().isEmpty() ? "" : " stroke-dasharray=\"" + p.dash() + "\""));
                for (StepResult s : steps) {
                    double x = x(s.deliveriesPerSecond(), xMax, x0);
                    double y = y(p.value().applyAsDouble(s), y0);
                    svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>%n",
                            x, y, colour));
                    if (!s.held() && p.name().equals("p99")) {
                        svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"8\" fill=\"none\""
                                + " stroke=\"%s\" stroke-width=\"2\"/>%n", x, y, s.contended() ? "#aaa" : "#c00"));
                    }
                }
            }
        }
    }

    private static void legend(StringBuilder svg, BenchReport report, int x0, int y0) {
        int x = x0;
        for (Map.Entry<String, String> target : report.targets().entrySet()) {
            String colour = COLOURS.getOrDefault(target.getKey(), "#000");
            line(svg, x, y0, x + 30, y0, colour, "", 4);
            text(svg, x + 36, y0 + 4, 12, "start", target.getValue());
            x += 36 + 7 * target.getValue().length() + 30;
        }
        int y = y0 + 26;
        x = x0;
        for (Percentile p : PERCENTILES) {
            line(svg, x, y, x + 30, y, "#333", p.dash(), 2);
            text(svg, x + 36, y + 4, 12, "start", p.name());
            x += 110;
        }
        svg.append(String.format(Locale.ROOT, "<circle cx=\"%d\" cy=\"%d\" r=\"8\" fill=\"none\" stroke=\"#c00\""
                + " stroke-width=\"2\"/>%n", x + 8, y));
        text(svg, x + 22, y + 4, 12, "start", "step failed (lost messages or p99 > 100 ms): the ramp stopped;"
                + " grey: failed while other processes were busy, run again");
        text(svg, x0, y + 28, 11, "start", "Latency is clamped to the chart (0.1 to 1,000 ms). Figures: "
                + "target/bench/bench.json; table: the benchmark's output.");
    }

    private static double x(double value, double max, int x0) {
        return x0 + PANEL_W * Math.min(1, value / max);
    }

    private static double y(double ms, int y0) {
        double clamped = Math.max(Y_MIN, Math.min(Y_MAX, ms));
        double fraction = (Math.log10(clamped) - Math.log10(Y_MIN)) / (Math.log10(Y_MAX) - Math.log10(Y_MIN));
        return y0 + PANEL_H * (1 - fraction);
    }

    /** 1, 2 or 5 times a power of ten, at least {@code value}. */
    private static double niceCeiling(double value) {
        double power = Math.pow(10, Math.floor(Math.log10(Math.max(1, value))));
        for (double step : new double[] {1, 2, 5, 10}) {
            if (step * power >= value) {
                return step * power;
            }
        }
        return 10 * power;
    }

    private static void line(StringBuilder svg, double x1, double y1, double x2, double y2, String colour,
                             String dash, int width) {
        svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\""
                + " stroke-width=\"%d\"%s/>%n", x1, y1, x2, y2, colour, width,
                dash.isEmpty() ? "" : " stroke-dasharray=\"" + dash + "\""));
    }

    private static void text(StringBuilder svg, double x, double y, int size, String anchor, String content) {
        svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" text-anchor=\"%s\">%s"
                + "</text>%n", x, y, size, anchor, escape(content)));
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
