package org.chatrooms.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.chatrooms.dev.ChatServer;

/**
 * A chat node in a JVM of its own (the README's run command, {@code DevServer}, on a free port), so a test can kill
 * it with SIGKILL by its PID the way a crashed server dies: no shutdown hook, no close frames, no goodbye to Redis.
 * Its output goes to {@code target/nodes/<pid>.log}.
 */
public final class NodeProcess implements AutoCloseable {

    public static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern RUNNING = Pattern.compile("Chat is running at http://127\\.0\\.0\\.1:(\\d+)/");

    private final Process process;
    private final int port;

    private NodeProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static NodeProcess start(Map<String, String> environment) {
        return start(environment, List.of());
    }

    /** A node whose JVM also gets {@code jvmOptions} (heap size, logging configuration, ...). */
    public static NodeProcess start(Map<String, String> environment, List<String> jvmOptions) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmOptions);
        command.addAll(List.of(
                "-Dchat.war=" + ChatServer.builtWar(),
                "-Dchat.test.output=" + System.getProperty("chat.test.output", "target"),
                "-cp", System.getProperty("java.class.path"),
                "org.chatrooms.dev.DevServer"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        builder.environment().put("CHAT_PORT", "0");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Path log = Path.of(System.getProperty("chat.test.output", "target"), "nodes", process.pid() + ".log");
        Thread pump = new Thread(() -> copy(process, log, port), "node-test-log-" + process.pid());
        pump.setDaemon(true);
        pump.start();
        try {
            return new NodeProcess(process, port.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException("Node process did not start; see " + log, e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public int port() {
        return port;
    }

    public URI wsBase() {
        return URI.create("ws://127.0.0.1:" + port + "/");
    }

    /** SIGKILL to its PID; returns once it is gone. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    private static void copy(Process process, Path log, CompletableFuture<Integer> port) {
        try {
            Files.createDirectories(log.getParent());
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
                 Writer file = Files.newBufferedWriter(log, StandardCharsets.UTF_8,
                         StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                String line;
                while ((line = out.readLine()) != null) {
                    file.write(line);
                    file.write('\n');
                    file.flush();
                    Matcher running = RUNNING.matcher(line);
                    if (running.find()) {
                        port.complete(Integer.parseInt(running.group(1)));
                    }
                }
            }
        } catch (IOException e) {
            port.completeExceptionally(e);
        } finally {
            port.completeExceptionally(new IllegalStateException("node process exited"));
        }
    }
}
