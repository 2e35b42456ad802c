package org.chatrooms.testing;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;

/**
 * The project's {@code Dockerfile}, read the way {@code docker build} reads it, as far as the tests need: its
 * stages, and in each the instructions with continuation lines joined, comments dropped and {@code $VAR} /
 * {@code ${VAR}} expanded from the stage's own {@code ENV}s. Tests that perform the image's steps, or check files
 * that must agree with it, take their values from here instead of repeating them.
 */
public final class Dockerfile {

    /** One instruction: {@code keyword} upper-cased, {@code arguments} as written (variables expanded). */
    public record Instruction(String keyword, String arguments) {
    }

    /** One {@code FROM ... [AS name]} and what follows it. */
    public record Stage(String image, String name, List<Instruction> instructions, Map<String, String> env) {

        public List<Instruction> all(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
        }

        public Instruction only(String keyword) {
            List<Instruction> found = all(keyword);
            if (found.size() != 1) {
                throw new AssertionError("Stage " + name + " has " + found.size() + " " + keyword + " instructions");
            }
            return found.get(0);
        }

        public String workdir() {
            return only("WORKDIR").arguments();
        }

        /** The numeric {@code USER uid[:gid]}. */
        public int[] user() {
            String[] ids = only("USER").arguments().split(":");
            int uid = Integer.parseInt(ids[0]);
            return new int[] {uid, ids.length > 1 ? Integer.parseInt(ids[1]) : uid};
        }

        /** The only port of {@code EXPOSE}. */
        public int exposedPort() {
            return Integer.parseInt(only("EXPOSE").arguments().replace("/tcp", "").trim());
        }

        public List<Copy> copies() {
            return all("COPY").stream().map(Copy::parse).toList();
        }

        public HealthCheck healthCheck() {
            return HealthCheck.parse(only("HEALTHCHECK").arguments());
        }
    }

    /** {@code COPY [--from=stage] [--chown=...] source... destination} */
    public record Copy(Optional<String> fromStage, Optional<String> chown, List<String> sources, String destination) {

        public static Copy parse(Instruction copy) {
            List<String> words = new ArrayList<>(List.of(copy.arguments().trim().split("\\s+")));
            Optional<String> from = Optional.empty();
            Optional<String> chown = Optional.empty();
            while (words.get(0).startsWith("--")) {
                String flag = words.remove(0);
                if (flag.startsWith("--from=")) {
                    from = Optional.of(flag.substring("--from=".length()));
                } else if (flag.startsWith("--chown=")) {
                    chown = Optional.of(flag.substring("--chown=".length()));
                } else {
                    throw new AssertionError("COPY flag the tests do not know: " + flag);
                }
            }
            String destination = words.remove(words.size() - 1);
            return new Copy(from, chown, List.copyOf(words), destination);
        }
    }

    /** {@code HEALTHCHECK [--option=value...] CMD ["exec", "form"]} */
    public record HealthCheck(Map<String, String> options, List<String> command) {

        private static final Pattern FORM = Pattern.compile("((?:--[a-z-]+=\\S+\\s+)*)CMD\\s+(\\[.*])\\s*",
                Pattern.DOTALL);

        static HealthCheck parse(String arguments) {
            Matcher matcher = FORM.matcher(arguments.trim());
            if (!matcher.matches()) {
                throw new AssertionError("HEALTHCHECK is not in the exec form CMD [\"...\"]: " + arguments);
            }
            Map<String, String> options = new LinkedHashMap<>();
            for (String option : matcher.group(1).trim().split("\\s+")) {
                if (!option.isEmpty()) {
                    String[] pair = option.substring(2).split("=", 2);
                    options.put(pair[0], pair[1]);
                }
            }
            List<String> command = new ArrayList<>();
            try (JsonReader reader = Json.createReader(new StringReader(matcher.group(2)))) {
                JsonArray array = reader.readArray();
                for (int i = 0; i < array.size(); i++) {
                    command.add(((JsonString) array.get(i)).getString());
                }
            }
            return new HealthCheck(Map.copyOf(options), List.copyOf(command));
        }

        /** A duration option such as {@code --timeout=3s}, in seconds. */
        public int seconds(String option) {
            String value = options.get(option);
            if (value == null || !value.endsWith("s")) {
                throw new AssertionError("HEALTHCHECK --" + option + " is not in seconds: " + value);
            }
            return Integer.parseInt(value.substring(0, value.length() - 1));
        }
    }

    private static final Pattern VARIABLE =
            Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}|\\$([A-Za-z_][A-Za-z0-9_]*)");
    private static final Pattern ENV_PAIR = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"(?:[^\"\\\\]|\\\\.)*\"|\\S*)");

    private final Path file;
    private final List<Stage> stages;

    private Dockerfile(Path file, List<Stage> stages) {
        this.file = file;
        this.stages = stages;
    }

    /** The project's own {@code Dockerfile} (tests run in the project directory). */
    public static Dockerfile ofProject() {
        return read(Path.of("Dockerfile").toAbsolutePath());
    }

    public static Dockerfile read(Path file) {
        try {
            return parse(file, Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path file() {
        return file;
    }

    /** The directory {@code docker build .} sends as the context. */
    public Path context() {
        return file.getParent();
    }

    public List<Stage> stages() {
        return stages;
    }

    public Stage stage(String name) {
        return stages.stream().filter(s -> name.equals(s.name())).findFirst()
                .orElseThrow(() -> new AssertionError("No stage " + name + " in " + file));
    }

    /** The stage the image is: the last one. */
    public Stage runtime() {
        return stages.get(stages.size() - 1);
    }

    static Dockerfile parse(Path file, String text) {
        List<Stage> stages = new ArrayList<>();
        String image = null;
        String name = null;
        List<Instruction> instructions = null;
        Map<String, String> env = null;
        for (String line : logicalLines(text)) {
            String[] split = line.split("\\s+", 2);
            String keyword = split[0].toUpperCase(java.util.Locale.ROOT);
            String arguments = split.length > 1 ? split[1] : "";
            if (keyword.equals("FROM")) {
                if (image != null) {
                    stages.add(new Stage(image, name, List.copyOf(instructions), Map.copyOf(env)));
                }
                String[] from = arguments.trim().split("\\s+");
                image = from[0];
                name = from.length == 3 && from[1].equalsIgnoreCase("AS") ? from[2] : null;
                instructions = new ArrayList<>();
                env = new LinkedHashMap<>();
                continue;
            }
            if (image == null) {
                throw new AssertionError(file + ": " + keyword + " before the first FROM");
            }
            // HEALTHCHECK's and RUN's commands run in the container's shell, which expands them; docker build
            // expands the other instructions itself.
            if (!keyword.equals("HEALTHCHECK") && !keyword.equals("RUN") && !keyword.equals("CMD")) {
                arguments = expand(arguments, env);
            }
            if (keyword.equals("ENV")) {
                Matcher pair = ENV_PAIR.matcher(arguments);
                while (pair.find()) {
                    String value = pair.group(2);
                    if (value.startsWith("\"")) {
                        value = value.substring(1, value.length() - 1).replaceAll("\\\\(.)", "$1");
                    }
                    env.put(pair.group(1), value);
                }
            }
            instructions.add(new Instruction(keyword, arguments));
        }
        if (image == null) {
            throw new AssertionError(file + " has no FROM");
        }
        stages.add(new Stage(image, name, List.copyOf(instructions), Map.copyOf(env)));
        return new Dockerfile(file, List.copyOf(stages));
    }

    /** Lines with their continuations joined, without comments, parser directives or blank lines. */
    private static List<String> logicalLines(String text) {
        List<String> lines = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : text.split("\n", -1)) {
            String line = raw.strip();
            if (line.startsWith("#") || (line.isEmpty() && current.length() == 0)) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            current.append(line);
            if (current.length() > 0) {
                lines.add(current.toString().strip());
            }
            current.setLength(0);
        }
        if (current.length() > 0) {
            lines.add(current.toString().strip());
        }
        return lines;
    }

    private static String expand(String text, Map<String, String> env) {
        Matcher matcher = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String variable = matcher.group(1) != null ? matcher.group(1) : matcher.group(2);
            String value = env.get(variable);
            if (value == null) {
                throw new AssertionError("Dockerfile uses $" + variable + ", which no ENV of its stage sets");
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(out);
        return out.toString();
    }
}
