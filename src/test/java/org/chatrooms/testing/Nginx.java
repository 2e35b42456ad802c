package org.chatrooms.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.chatrooms.dev.ChatServer;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * A real nginx in front of chat nodes, running the shipped {@code deploy/nginx/chat.conf} with only its upstream
 * servers, its listen addresses and its server names changed: the nodes' ports, a free port of 127.0.0.1 for every
 * server block, and {@value #TEST_SERVER_NAMES} added to the chat server's names (so the example name,
 * {@code chat.example.com}, still reaches the nodes, and any other name the catch-all server). Everything nginx writes
 * (configuration, pid file, logs, temp files) stays under {@code target/nginx/<id>/}, its prefix.
 *
 * <p>The binary is {@code $NGINX}, else {@code /usr/sbin/nginx} (Debian's package {@code nginx}, which
 * {@code .ci/run} installs), else {@code nginx} from the PATH. It runs in the foreground ({@code daemon off}), so
 * the test owns the master's PID: {@link #close()} sends it SIGTERM, which makes nginx stop its workers and exit,
 * and waits for that with a timeout.
 */
public final class Nginx implements AutoCloseable {

    public static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final int LOG_TAIL_LINES = 40;
    /** {@code server <address> <parameters>;} in the upstream block: indentation and parameters are kept. */
    private static final Pattern UPSTREAM_SERVER =
            Pattern.compile("^(\\s*)server\\s+\\S+((?:\\s+[^\\s;]+)*)\\s*;\\s*$");
    /** {@code listen <address> <parameters>;}: the address is replaced, parameters such as default_server kept. */
    private static final Pattern LISTEN = Pattern.compile("^(\\s*)listen\\s+\\S+?((?:\\s+[^\\s;]+)*)\\s*;\\s*$");
    /** {@code server_name <names>;} of a server that serves the chat (not the catch-all {@code _}). */
    private static final Pattern SERVER_NAME = Pattern.compile("^(\\s*)server_name\\s+([^;_]+);\\s*$");
    /** The names tests reach nginx by, added to the chat server's own (the example name stays). */
    public static final String TEST_SERVER_NAMES = "127.0.0.1 localhost";

    private final Process process;
    private final int port;
    private final Path prefix;
    private final Thread reaper;

    private Nginx(Process process, int port, Path prefix) {
        this.process = process;
        this.port = port;
        this.prefix = prefix;
        this.reaper = new Thread(process::destroy, "nginx-test-reaper-" + port);
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /** The configuration this project ships, {@code <basedir>/deploy/nginx/chat.conf}. */
    public static Path shippedConfig() {
        return Path.of(System.getProperty("basedir", "."), "deploy", "nginx", "chat.conf");
    }

    /** Starts nginx with the shipped configuration, balancing over {@code nodes} in this order. */
    public static Nginx inFrontOf(ChatServer... nodes) {
        List<String> upstreams = new ArrayList<>();
        for (ChatServer node : nodes) {
            upstreams.add("127.0.0.1:" + node.port());
        }
        return start(upstreams);
    }

    /** Starts nginx with the shipped configuration, balancing over {@code upstreams} ({@code host:port}). */
    public static Nginx start(List<String> upstreams) {
        int port = RedisServer.freePort();
        Path prefix = Path.of(System.getProperty("chat.test.output", "target"), "nginx", UUID.randomUUID().toString())
                .toAbsolutePath();
        Path main = writeConfig(prefix, upstreams, port);
        List<String> command = List.of(binary(), "-p", prefix + "/", "-c", main.toString(),
                "-e", errorLog(prefix).toString(), "-g", "daemon off;");
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(prefix.resolve("logs/output.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + command.get(0), e);
        }
        Nginx nginx = new Nginx(process, port, prefix);
        try {
            nginx.awaitListening();
        } catch (RuntimeException | AssertionError e) {
            nginx.close();
            throw new IllegalStateException("nginx did not start on port " + port + "\n" + nginx.logTail(), e);
        }
        return nginx;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    /** {@code http://127.0.0.1:<port>/} */
    public URI httpBase() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    /** {@code ws://127.0.0.1:<port>/} */
    public URI wsBase() {
        return Http.toWebSocket(httpBase());
    }

    /** The last lines of nginx's error log (and of its own output, should it have written any). */
    public String logTail() {
        return tail(errorLog(prefix)) + tail(prefix.resolve("logs/output.log"));
    }

    /**
     * Adds the tail of nginx's error log to a failure, as a suppressed exception: the report then shows what nginx
     * saw (a refused upstream, a closed connection) next to what the test saw.
     */
    public <T extends Throwable> T withLogTail(T failure) {
        failure.addSuppressed(new NginxLog(logTail()));
        return failure;
    }

    /**
     * For {@code @RegisterExtension}: a failing test's report carries the tail of the error log of the nginx that
     * {@code running} returns at that moment (null: none started yet).
     */
    public static TestExecutionExceptionHandler logTailOnFailure(Supplier<Nginx> running) {
        return (context, failure) -> {
            Nginx nginx = running.get();
            throw nginx == null ? failure : nginx.withLogTail(failure);
        };
    }

    /** SIGTERM to its PID (nginx's fast shutdown: workers stop, open sockets are cut), then waits until it exited. */
    @Override
    public void close() {
        process.destroy();
        ExternalPrograms.awaitExit(process, STOP_TIMEOUT, reaper);
    }

    /** nginx binds its port before it starts its workers; a connection made in between waits for them. */
    private void awaitListening() {
        Eventually.until("nginx listening on 127.0.0.1:" + port, START_TIMEOUT, () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("nginx exited with " + process.exitValue());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), (int) Eventually.POLL.toMillis());
                return true;
            } catch (IOException notYet) {
                return false;
            }
        });
    }

    /** Writes {@code conf/chat.conf} (the shipped file, templated) and the {@code conf/nginx.conf} around it. */
    private static Path writeConfig(Path prefix, List<String> upstreams, int port) {
        try {
            Files.createDirectories(prefix.resolve("conf"));
            Files.createDirectories(prefix.resolve("logs"));
            Files.createDirectories(prefix.resolve("temp"));
            String shipped = Files.readString(shippedConfig(), StandardCharsets.UTF_8);
            Files.writeString(prefix.resolve("conf/chat.conf"), template(shipped, upstreams, port));
            Path main = prefix.resolve("conf/nginx.conf");
            Files.writeString(main, mainConfig(prefix));
            return main;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * What {@code /etc/nginx/nginx.conf} does on a server, with every path under the prefix. Debian's nginx has
     * temp paths under /var/lib/nginx compiled in, so they are set here. One worker is plenty for a test, and the
     * machine's cores are shared.
     */
    private static String mainConfig(Path prefix) {
        // As root, nginx runs its workers as "nobody", who may not reach target/ (say under a mode-700 home
        // directory); they run as the test's own user instead. Other users cannot switch and need no directive.
        String user = "root".equals(System.getProperty("user.name")) ? "user root;\n" : "";
        return "# Generated by " + Nginx.class.getName() + " around " + shippedConfig() + "\n"
                + user
                + "worker_processes 1;\n"
                + "pid " + prefix.resolve("nginx.pid") + ";\n"
                + "error_log " + errorLog(prefix) + " notice;\n"
                + "events {\n    worker_connections 256;\n}\n"
                + "http {\n"
                + "    access_log " + prefix.resolve("logs/access.log") + ";\n"
                + "    client_body_temp_path " + prefix.resolve("temp/body") + ";\n"
                + "    proxy_temp_path " + prefix.resolve("temp/proxy") + ";\n"
                + "    fastcgi_temp_path " + prefix.resolve("temp/fastcgi") + ";\n"
                + "    uwsgi_temp_path " + prefix.resolve("temp/uwsgi") + ";\n"
                + "    scgi_temp_path " + prefix.resolve("temp/scgi") + ";\n"
                + "    include chat.conf;\n"
                + "}\n";
    }

    /**
     * The shipped configuration with the example servers of its {@code upstream} block replaced by
     * {@code upstreams} (each keeping the first example's parameters, {@code max_fails} and so on), the address
     * of every {@code listen} by {@code 127.0.0.1:<port>} (its parameters kept), and the test names added to
     * every {@code server_name} but the catch-all. Fails if the file no longer has that shape, rather than
     * testing something else.
     */
    static String template(String shipped, List<String> upstreams, int port) {
        StringBuilder out = new StringBuilder();
        boolean inUpstream = false;
        int servers = 0;
        int listens = 0;
        for (String line : shipped.split("\n", -1)) {
            String code = line.strip();
            if (code.startsWith("upstream ")) {
                inUpstream = true;
            } else if (inUpstream && code.equals("}")) {
                inUpstream = false;
            }
            Matcher server = UPSTREAM_SERVER.matcher(line);
            Matcher listen = LISTEN.matcher(line);
            Matcher serverName = SERVER_NAME.matcher(line);
            if (inUpstream && server.matches()) {
                if (servers++ == 0) {
                    for (String upstream : upstreams) {
                        out.append(server.group(1)).append("server ").append(upstream).append(server.group(2))
                                .append(";\n");
                    }
                }
            } else if (!inUpstream && listen.matches()) {
                listens++;
                out.append(listen.group(1)).append("listen 127.0.0.1:").append(port).append(listen.group(2))
                        .append(";\n");
            } else if (!inUpstream && serverName.matches()) {
                out.append(serverName.group(1)).append("server_name ").append(serverName.group(2).strip()).append(' ')
                        .append(TEST_SERVER_NAMES).append(";\n");
            } else {
                out.append(line).append('\n');
            }
        }
        if (servers == 0 || listens == 0) {
            throw new IllegalStateException(shippedConfig() + " has no upstream server or no listen line to replace");
        }
        return out.toString();
    }

    private static Path errorLog(Path prefix) {
        return prefix.resolve("logs/error.log");
    }

    private static String tail(Path file) {
        try {
            if (!Files.exists(file) || Files.size(file) == 0) {
                return "";
            }
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return "--- " + file + " (last " + LOG_TAIL_LINES + " lines)\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()))
                    + "\n";
        } catch (IOException e) {
            return "--- " + file + ": " + e + "\n";
        }
    }

    private static String binary() {
        return ExternalPrograms.find("NGINX", "nginx", List.of(Path.of("/usr/sbin/nginx")),
                "Debian's package nginx; .ci/run installs it");
    }

    /** The tail of nginx's logs, attached to a failing test's exception. */
    private static final class NginxLog extends Exception {
        NginxLog(String tail) {
            super("nginx logs\n" + tail, null, false, false);
        }
    }
}
