package org.chatrooms.servers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.chatrooms.testing.Dockerfile;

/**
 * The production image without a Docker engine: the steps of the project's {@code Dockerfile} performed on the
 * unpacked Tomcat distribution of the image's line, then the image's command run as the image's user.
 *
 * <p>First the build stage, in {@code target/servers/image/build} (its WORKDIR): its COPYs from this checkout, then
 * its RUN, the Maven Wrapper build, whose WAR the runtime stage copies (its output is in {@code build.log}).
 *
 * <p>A directory under {@code target/servers/image/root} stands for the image's {@code /}. In it, first what the
 * base image {@code tomcat:10.1-jre17} is (docker-library/tomcat, {@code 10.1/jdk17/temurin-noble/Dockerfile},
 * which the jre17 image copies): the distribution at {@code $CATALINA_HOME}, its example applications moved to
 * {@code webapps.dist}, everything world-readable, {@code logs}, {@code temp} and {@code work} mode 1777. Then every
 * instruction of the Dockerfile's last stage, read from the file: {@code ENV}s become the server's environment,
 * {@code COPY}s are copied (from the context, or from the build stage's directory),
 * the {@code USER}'s numeric ids run the server through {@code setpriv}, and {@link #healthCommand} is the
 * {@code HEALTHCHECK}'s command. An instruction this class cannot perform fails the test, so the Dockerfile cannot
 * grow a step that this test silently skips.
 *
 * <p>Two things differ from a container, both on purpose: the server listens on a free port of 127.0.0.1 (the
 * image's {@code server.xml} reads {@code chat.http.port} and {@code chat.http.address}, defaulting to the exposed
 * port on every interface), and the health command is pointed at that port instead of the exposed one.
 */
final class ImageServer extends StandaloneServer {

    /** The base image's command, which the Dockerfile keeps (it has no CMD of its own). */
    private static final List<String> BASE_IMAGE_COMMAND = List.of("catalina.sh", "run");
    /** The build stage compiles and packages on a shared two-core machine. */
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(5);
    /** A port number standing alone, not part of a longer number. */
    private static final String PORT_TOKEN = "(?<![0-9])%d(?![0-9])";

    private final Dockerfile dockerfile;
    private final Dockerfile.Stage runtime;
    private final Path distribution;
    private final int[] user;
    private Path catalinaHome;
    /** Stands for the build stage's WORKDIR. */
    private Path buildDirectory;
    private Duration buildTime;

    private ImageServer(Dockerfile dockerfile, Path distribution) {
        super("Image steps on Tomcat " + distribution.getFileName(), "image");
        this.dockerfile = dockerfile;
        this.runtime = dockerfile.runtime();
        this.distribution = distribution;
        this.user = runtime.user();
    }

    /** The project's Dockerfile on the distribution the {@code servers} profile unpacked ({@code property}). */
    static ImageServer of(Dockerfile dockerfile, String property) {
        return new ImageServer(dockerfile, distribution(property));
    }

    @Override
    protected List<String> contexts() {
        return List.of("");
    }

    @Override
    protected Duration startTimeout() {
        return Duration.ofSeconds(90);
    }

    /** The image's user and group ids. */
    int[] user() {
        return user.clone();
    }

    /** How long the build stage took (part of {@link #startup()}). */
    Duration buildTime() {
        return buildTime;
    }

    /** Where {@code $CATALINA_HOME} of the image is on this machine. */
    Path catalinaHome() {
        return catalinaHome;
    }

    @Override
    protected ProcessHandle launch(Path war, Path directory) throws IOException, InterruptedException {
        buildDirectory = directory.resolve("build");
        long begin = System.nanoTime();
        runBuildStage(buildDirectory, directory.resolve("build.log"));
        buildTime = Duration.ofNanos(System.nanoTime() - begin);
        Path root = directory.resolve("root");
        catalinaHome = inImage(root, env("CATALINA_HOME"));
        layOutBaseImage(catalinaHome);

        for (Dockerfile.Instruction instruction : runtime.instructions()) {
            switch (instruction.keyword()) {
                case "ENV", "USER", "EXPOSE", "HEALTHCHECK" -> {
                    // read where they apply: the environment and user below, the port and health command by tests
                }
                case "COPY" -> copy(Dockerfile.Copy.parse(instruction), root);
                case "RUN" -> {
                    // The only RUN the image may have creates its user. setpriv below switches to the numeric ids
                    // of USER, which need no entry in this machine's /etc/passwd.
                    if (!instruction.arguments().contains("useradd")) {
                        throw new AssertionError("ImageServer cannot perform RUN " + instruction.arguments()
                                + ": teach it, or the image and this test drift apart");
                    }
                }
                default -> throw new AssertionError("ImageServer cannot perform " + instruction.keyword() + " "
                        + instruction.arguments() + ": teach it, or the image and this test drift apart");
            }
        }

        List<String> command = new ArrayList<>(asUser());
        // The official image rewrites its scripts to #!/usr/bin/env bash; catalina.sh execs the JVM, so the PID of
        // this process is Tomcat's.
        command.add("bash");
        command.add(catalinaHome.resolve("bin").resolve(BASE_IMAGE_COMMAND.get(0)).toString());
        command.addAll(BASE_IMAGE_COMMAND.subList(1, BASE_IMAGE_COMMAND.size()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
        Map<String, String> environment = builder.environment();
        for (String inherited : new String[] {"CATALINA_BASE", "CATALINA_OPTS", "JAVA_OPTS", "CATALINA_PID",
                "JRE_HOME"}) {
            environment.remove(inherited);
        }
        environment.putAll(runtime.env());
        // The idle-socket measurement opens hundreds of sockets from one address, as no single person would.
        environment.put("CHAT_MAX_SOCKETS_PER_ADDRESS", "0");
        environment.put("CATALINA_HOME", catalinaHome.toString());
        environment.put("CATALINA_OPTS", runtime.env().getOrDefault("CATALINA_OPTS", "")
                + " -Dchat.http.port=" + port() + " -Dchat.http.address=127.0.0.1");
        return startChild(builder);
    }

    /**
     * The build stage: its COPYs from the context into {@code workdir} (standing for its WORKDIR), then its RUNs
     * there with {@code sh -c} (a {@code --mount=type=cache,target=/root/.m2} is this machine's own {@code ~/.m2},
     * which is what the cache holds). Its JDK is this machine's Java 17; the Maven is the wrapper's.
     */
    private void runBuildStage(Path workdir, Path log) throws IOException, InterruptedException {
        Dockerfile.Stage build = dockerfile.stage("build");
        Files.createDirectories(workdir);
        for (Dockerfile.Instruction instruction : build.instructions()) {
            switch (instruction.keyword()) {
                case "WORKDIR" -> {
                    // workdir stands for it
                }
                case "COPY" -> {
                    Dockerfile.Copy copy = Dockerfile.Copy.parse(instruction);
                    if (copy.fromStage().isPresent() || copy.chown().isPresent()) {
                        throw new AssertionError("ImageServer cannot perform build stage COPY " + copy);
                    }
                    for (String source : copy.sources()) {
                        Path from = dockerfile.context().resolve(source).normalize();
                        boolean intoDirectory = copy.destination().endsWith("/") || copy.sources().size() > 1;
                        Path to = workdir.resolve(copy.destination()).normalize();
                        if (Files.isDirectory(from)) {
                            copyTree(from, to);
                        } else {
                            Path target = intoDirectory ? to.resolve(from.getFileName().toString()) : to;
                            Files.createDirectories(target.getParent());
                            Files.copy(from, target, StandardCopyOption.COPY_ATTRIBUTES);
                        }
                    }
                }
                case "RUN" -> {
                    String command = instruction.arguments().trim();
                    while (command.startsWith("--mount=")) {
                        String mount = command.substring(0, command.indexOf(' '));
                        if (!mount.equals("--mount=type=cache,target=/root/.m2")) {
                            throw new AssertionError("ImageServer cannot perform RUN " + mount);
                        }
                        command = command.substring(mount.length()).trim();
                    }
                    ProcessBuilder run = new ProcessBuilder("sh", "-c", command).directory(workdir.toFile())
                            .redirectErrorStream(true).redirectOutput(log.toFile());
                    // A clean environment, as in a docker build (none of the outer Maven's variables).
                    Map<String, String> environment = run.environment();
                    environment.clear();
                    environment.put("PATH", JAVA_HOME.resolve("bin") + ":/usr/local/bin:/usr/bin:/bin");
                    environment.put("HOME", System.getProperty("user.home"));
                    environment.put("JAVA_HOME", JAVA_HOME.toString());
                    environment.put("LANG", "C.UTF-8");
                    Process process = run.start();
                    process.getOutputStream().close();
                    if (!process.waitFor(BUILD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                        process.destroyForcibly();
                        process.waitFor(10, TimeUnit.SECONDS);
                        throw new AssertionError("Build stage RUN " + command + " took over " + BUILD_TIMEOUT);
                    }
                    if (process.exitValue() != 0) {
                        throw new AssertionError("Build stage RUN " + command + " failed with " + process.exitValue()
                                + ": " + Files.readString(log));
                    }
                }
                default -> throw new AssertionError("ImageServer cannot perform build stage " + instruction.keyword());
            }
        }
    }

    /** The part of the base image that this server needs, done as its Dockerfile does it. */
    private void layOutBaseImage(Path home) throws IOException, InterruptedException {
        copyTree(distribution, home);
        Files.move(home.resolve("webapps"), home.resolve("webapps.dist"));
        Files.createDirectories(home.resolve("webapps"));
        run(Duration.ofSeconds(30), List.of("chmod", "-R", "+rX", home.toString()));
        run(Duration.ofSeconds(30), List.of("chmod", "1777", home.resolve("logs").toString(),
                home.resolve("temp").toString(), home.resolve("work").toString()));
    }

    private void copy(Dockerfile.Copy copy, Path root) throws IOException, InterruptedException {
        if (copy.chown().isPresent()) {
            throw new AssertionError("ImageServer does not perform COPY --chown (the image's files stay root's): "
                    + copy);
        }
        List<Path> sources = new ArrayList<>();
        for (String source : copy.sources()) {
            sources.add(source(copy, source));
        }
        Path destination = inImage(root, copy.destination());
        for (Path source : sources) {
            Path target = copy.destination().endsWith("/") ? destination.resolve(source.getFileName().toString())
                    : destination;
            Files.createDirectories(target.getParent());
            Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
            // COPY keeps the file's mode; the files it adds belong to root.
            run(Duration.ofSeconds(10), List.of("chmod", "a+r", target.toString()));
        }
    }

    /**
     * A COPY's source file on this machine: in the build context, or for {@code --from=build} in the directory that
     * {@link #runBuildStage} built in. One file per source.
     */
    private Path source(Dockerfile.Copy copy, String source) throws IOException {
        String relative = source;
        if (copy.fromStage().isPresent()) {
            String workdir = dockerfile.stage(copy.fromStage().get()).workdir();
            String prefix = workdir.endsWith("/") ? workdir : workdir + "/";
            if (!source.startsWith(prefix)) {
                throw new AssertionError("COPY --from source outside its stage's WORKDIR " + workdir + ": " + source);
            }
            relative = source.substring(prefix.length());
        }
        Path pattern = (copy.fromStage().isPresent() ? buildDirectory : dockerfile.context()).resolve(relative);
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern.getFileName());
        List<Path> matches;
        try (var files = Files.list(pattern.getParent())) {
            matches = files.filter(path -> matcher.matches(path.getFileName())).sorted().toList();
        }
        if (matches.size() != 1 || !Files.isRegularFile(matches.get(0))) {
            throw new AssertionError("COPY source " + source + " matches " + matches + " (one file expected)");
        }
        return matches.get(0);
    }

    /** {@code setpriv} to the image's user and group, with no supplementary groups (as a container's process). */
    private List<String> asUser() {
        return List.of("setpriv", "--reuid=" + user[0], "--regid=" + user[1], "--clear-groups", "--");
    }

    /**
     * The image's HEALTHCHECK command, pointed at {@code port} of 127.0.0.1 instead of the exposed port (which must
     * occur in it exactly once), run as the image's user.
     */
    List<String> healthCommand(int port) {
        List<String> command = new ArrayList<>(asUser());
        Pattern exposed = Pattern.compile(String.format(PORT_TOKEN, runtime.exposedPort()));
        int occurrences = 0;
        for (String word : runtime.healthCheck().command()) {
            Matcher matcher = exposed.matcher(word);
            while (matcher.find()) {
                occurrences++;
            }
            command.add(matcher.replaceAll(Integer.toString(port)));
        }
        if (occurrences != 1) {
            throw new AssertionError("The HEALTHCHECK command names the exposed port " + runtime.exposedPort() + " "
                    + occurrences + " times: " + runtime.healthCheck().command());
        }
        return command;
    }

    /** Runs the health command against {@code port} with the HEALTHCHECK's timeout; its exit status. */
    int runHealthCommand(int port) throws IOException, InterruptedException {
        return run(Duration.ofSeconds(runtime.healthCheck().seconds("timeout")), healthCommand(port)).status();
    }

    private String env(String name) {
        String value = runtime.env().get(name);
        if (value == null) {
            throw new AssertionError("The Dockerfile's last stage sets no ENV " + name);
        }
        return value;
    }

    /** An absolute path of the image, under {@code root}. */
    private static Path inImage(Path root, String imagePath) {
        if (!imagePath.startsWith("/")) {
            throw new AssertionError("Not an absolute path in the image: " + imagePath);
        }
        return root.resolve(imagePath.substring(1));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path source : paths.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    /** A finished short command. */
    record Result(int status, String output) {
    }

    /**
     * Runs a short command with a deadline; status -1 if it had to be killed. Its output goes to a file, not a
     * pipe, so that a command printing more than a pipe holds cannot block before the deadline.
     */
    static Result run(Duration timeout, List<String> command) throws IOException, InterruptedException {
        Path output = Files.createTempFile("chat-command-", ".out");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            process.getOutputStream().close();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                return new Result(-1, "killed after " + timeout + ": " + Files.readString(output));
            }
            return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
