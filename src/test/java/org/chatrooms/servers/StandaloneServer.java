package org.chatrooms.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import org.chatrooms.testing.Eventually;

/**
 * A real server distribution (not an embedded container) running the built WAR in a process of its own, on a free
 * port of 127.0.0.1: the WAR is deployed as {@code ROOT} and a second time as {@code /chat-app}. Subclasses lay out
 * the server's files and say how to start it; this class starts the process, waits until both deployments answer
 * {@code /healthz} (polling, with a deadline), and stops it with SIGTERM to its own PID, waiting for the exit with a timeout.
 *
 * <p>Everything the server prints goes to {@code target/servers/<id>/server.log}; failures quote its tail.
 */
public abstract class StandaloneServer implements AutoCloseable {

    /** The second deployment of the WAR. */
    public static final String CONTEXT_PATH = "/chat-app";
    /** The servers' keepalive interval ({@code CHAT_PING_SECONDS}, set in their environment). */
    public static final int PING_SECONDS = 1;
    /** The JDK that runs the servers (Tomcat 11 needs 17 or later). */
    static final Path JAVA_HOME = Path.of(System.getProperty("chat.servers.java.home",
            "/usr/lib/jvm/java-17-openjdk-amd64"));
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final int TAIL_LINES = 80;

    /** Severe records, and the web application class loader's leak reports (Tomcat's and Payara's words). */
    private static final Pattern PROBLEM = Pattern.compile("SEVERE"
            + "|appears to have started a thread named"
            + "|failed to stop it"
            + "|memory leak"
            + "|ThreadLocal with key");

    private final String name;
    private final Path directory;
    private final int port;
    /** The server's JVM: a child of this one, or (Payara Server) a daemon that {@code asadmin} started. */
    private ProcessHandle process;
    /** Set when the server's JVM is a child: then its exit status is known. */
    private Process child;
    /** Kills the process should the test JVM exit without closing this; removed once it ended. */
    private Thread reaper;
    private Duration startup;

    protected StandaloneServer(String name, String id) {
        this(name, id, freePort());
    }

    /** {@code port}: where the server will serve HTTP on 127.0.0.1. */
    protected StandaloneServer(String name, String id, int port) {
        this.name = name;
        this.directory = Path.of(System.getProperty("chat.test.output", "target"), "servers", id).toAbsolutePath();
        this.port = port;
    }

    /**
     * Lays out the server's files under {@code directory}, deploys the WAR twice and starts the server: usually with
     * {@link #startChild} on a command that runs it in the foreground. Returns the server's JVM.
     */
    protected abstract ProcessHandle launch(Path war, Path directory) throws IOException, InterruptedException;

    /** How long start-up may take on a busy two-core machine. */
    protected abstract Duration startTimeout();

    /** Log lines that contain a {@link #PROBLEM} word but are known to be harmless on this server. */
    protected Predicate<String> harmless() {
        // Tomcat's own utility thread, not one the application started: Tomcat names it in its leak report when
        // that thread runs the context's background processing (StandardContext.backgroundProcess, with the
        // context's class loader bound) at the moment the context stops (seen once in a clean-clone CI run).
        return line -> line.contains("appears to have started a thread named [Catalina-utility-");
    }

    /** The context paths {@link #launch} deploys the WAR at: ROOT ("") and {@link #CONTEXT_PATH}. */
    protected List<String> contexts() {
        return List.of("", CONTEXT_PATH);
    }

    /** Whether {@link #undeploy} works on this server while it runs. */
    public boolean canUndeploy() {
        return false;
    }

    /** Removes the {@link #CONTEXT_PATH} deployment while the server runs; returns once the request is made. */
    public void undeploy() throws IOException {
        throw new UnsupportedOperationException(name + " has no undeploy here");
    }

    /** The WAR {@code mvn package} built. */
    public static Path builtWar() {
        String war = System.getProperty("chat.war");
        if (war == null) {
            throw new IllegalStateException("System property chat.war (path of the built WAR) is not set");
        }
        return Path.of(war).toAbsolutePath();
    }

    /** A distribution the {@code servers} profile unpacked, named by a system property. */
    static Path distribution(String property) {
        String location = System.getProperty(property);
        if (location == null || !Files.exists(Path.of(location))) {
            throw new IllegalStateException("System property " + property + " (" + location + ") names no unpacked "
                    + "distribution: run with -Pservers, which unpacks them into target/servers/dist");
        }
        return Path.of(location).toAbsolutePath();
    }

    /** Starts the server and returns once {@code /healthz} of every deployment ({@link #contexts}) answers 200. */
    public StandaloneServer start() throws IOException {
        if (Files.exists(directory)) {
            deleteTree(directory);
        }
        Files.createDirectories(directory);
        long begin = System.nanoTime();
        ProcessHandle started;
        try {
            started = launch(builtWar(), directory);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        watch(started);
        try {
            // Every deployment: a server may open its port once the first application is up.
            Eventually.until(name + " answers /healthz at " + contexts() + " on port " + port,
                    startTimeout(), () -> !started.isAlive() || contexts().stream()
                            .allMatch(context -> isHealthy(httpBase(context).resolve("healthz"))));
        } catch (AssertionError e) {
            close();
            throw new AssertionError(e.getMessage() + logTail(), e);
        }
        if (!started.isAlive()) {
            throw new AssertionError(name + " exited during start-up (status " + exitValue().orElse(-1) + ")"
                    + logTail());
        }
        startup = Duration.ofNanos(System.nanoTime() - begin);
        return this;
    }

    /**
     * SIGTERM to the server's PID (its own graceful shutdown: applications stop, sockets get 1001), then waits for
     * the exit. Fails, after killing it, if it does not exit within {@link #STOP_TIMEOUT}.
     */
    public Duration stop() throws InterruptedException {
        long begin = System.nanoTime();
        process.destroy();
        if (!awaitExit(process)) {
            close();
            throw new AssertionError(name + " (PID " + process.pid() + ") did not exit within " + STOP_TIMEOUT
                    + " of SIGTERM" + logTail());
        }
        removeReaper();
        return Duration.ofNanos(System.nanoTime() - begin);
    }

    /**
     * Starts {@code command} as the server's JVM, a child of this one, its output going to {@link #log()}. The
     * command must run the JVM itself, or exec it, so that the child's PID is the server's.
     */
    protected final ProcessHandle startChild(ProcessBuilder command) throws IOException {
        command.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
        command.environment().put("JAVA_HOME", JAVA_HOME.toString());
        // Keepalive every second, so the contract can check pings on each container within its time.
        command.environment().put("CHAT_PING_SECONDS", Integer.toString(PING_SECONDS));
        child = command.start();
        return child.toHandle();
    }

    /** Kills {@code started} by its PID should the test JVM end before {@link #stop} or {@link #close}. */
    private void watch(ProcessHandle started) {
        process = started;
        reaper = new Thread(started::destroyForcibly, "server-test-reaper-" + started.pid());
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    private static boolean awaitExit(ProcessHandle handle) throws InterruptedException {
        try {
            handle.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Kills the server by its PID if it still runs; for clean-up after a failure. */
    @Override
    public void close() {
        if (process == null || !process.isAlive()) {
            removeReaper();
            return;
        }
        process.destroyForcibly();
        try {
            awaitExit(process);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        removeReaper();
    }

    private void removeReaper() {
        if (reaper == null) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException jvmExiting) {
            // the hook runs anyway
        }
        reaper = null;
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    /** The PID of the server's JVM, once started. */
    public long pid() {
        return process.pid();
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The exit status, once the server exited, if it was a child of this JVM. */
    public OptionalInt exitValue() {
        return child != null && !child.isAlive() ? OptionalInt.of(child.exitValue())
                : OptionalInt.empty();
    }

    /** How long it took from starting the process until both deployments answered {@code /healthz}. */
    public Duration startup() {
        return startup;
    }

    /** {@code http://127.0.0.1:<port><context>/}; {@code context} is "" or {@link #CONTEXT_PATH}. */
    public URI httpBase(String context) {
        return URI.create("http://127.0.0.1:" + port + context + "/");
    }

    /** {@code ws://127.0.0.1:<port><context>/} */
    public URI wsBase(String context) {
        return URI.create("ws://127.0.0.1:" + port + context + "/");
    }

    /** Where the server logs: its console output, unless a subclass knows better. */
    public Path log() {
        return directory.resolve("server.log");
    }

    protected Path directory() {
        return directory;
    }

    /** The log lines that report an error or a leak, less those {@link #harmless()} on this server. */
    public List<String> problems() {
        return logLines().stream()
                .filter(line -> PROBLEM.matcher(line).find())
                .filter(harmless().negate())
                .toList();
    }

    public boolean logContains(String text) {
        return logLines().stream().anyMatch(line -> line.contains(text));
    }

    /** The end of the server's log, for failure messages. */
    public String logTail() {
        List<String> lines = logLines();
        return "\n--- last " + Math.min(TAIL_LINES, lines.size()) + " lines of " + log() + " ---\n"
                + String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
    }

    private List<String> logLines() {
        try {
            // Lenient decoding: a server may print bytes that are not UTF-8.
            return new String(Files.readAllBytes(log()), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            return List.of("(no log: " + e + ")");
        }
    }

    private static final HttpClient PROBE = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    private static boolean isHealthy(URI uri) {
        try {
            return PROBE.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException notYet) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A port of 127.0.0.1 that was free a moment ago. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
