package org.chatrooms.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ClientKillParams;

/**
 * A real {@code redis-server} process for one test, on a free port of 127.0.0.1 (never 6379, where a shared Redis
 * may run), with no persistence ({@code --save "" --appendonly no}): a restart loses every key, as a crashed cache
 * would. It can be stopped (SIGTERM) or killed (SIGKILL), always by its own PID, and started again on the same
 * port.
 *
 * <p>The binary is {@code $REDIS_SERVER}, else {@code redis-server} from the PATH. Its log goes to
 * {@code target/redis/<port>.log}. Start-up waits for the "Ready to accept connections" line, then a PING, each
 * with a timeout.
 */
public final class RedisServer implements AutoCloseable {

    public static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final String ADMIN_PASSWORD_OPTION = "--requirepass";

    private final int port;
    private final List<String> options;
    private final Optional<String> adminPassword;
    private final Path log;
    private Process process;
    /** Kills the process should the test JVM exit without closing this; removed once it ended. */
    private Thread reaper;

    private RedisServer(int port, List<String> options, Optional<String> adminPassword) {
        this.port = port;
        this.options = List.copyOf(options);
        this.adminPassword = adminPassword;
        this.log = Path.of(System.getProperty("chat.test.output", "target"), "redis", port + ".log");
    }

    /** Starts a Redis without a password. */
    public static RedisServer start() {
        return start(List.of());
    }

    /** Starts a Redis that requires {@code password} of the default user ({@code requirepass}). */
    public static RedisServer startWithPassword(String password) {
        return start(List.of(ADMIN_PASSWORD_OPTION, password));
    }

    /**
     * Starts a Redis with extra configuration, e.g. {@code --user alice on >secret ~* &* +@all}. An
     * {@code --requirepass} among them is used for the test's own admin connection.
     */
    public static RedisServer start(List<String> options) {
        RedisServer server = new RedisServer(freePort(), options, passwordIn(options));
        server.startProcess();
        return server;
    }

    /**
     * The least-privilege user {@code docs/redis-relay.md} documents for the relay and presence, as redis-server
     * options: user {@code user} with password {@code password}, keys and channels under {@code prefix} only; the
     * default user gets {@code adminPassword}. Keep the two lists the same.
     */
    public static List<String> chatAclUser(String user, String password, String prefix, String adminPassword) {
        List<String> options = new java.util.ArrayList<>(List.of(ADMIN_PASSWORD_OPTION, adminPassword,
                "--user", user, "on", ">" + password, "~" + prefix + "*", "resetchannels", "&" + prefix + "*"));
        options.addAll(CHAT_ACL_COMMANDS);
        return options;
    }

    /** The commands of that user: {@code +@pubsub} and what the scripts and the relay's own calls use. */
    public static final List<String> CHAT_ACL_COMMANDS = List.of("+@pubsub", "+evalsha", "+eval", "+script|load",
            "+ping", "+client|setname", "+info", "+time", "+exists", "+del", "+hget", "+hmget", "+hset", "+hdel",
            "+hincrby", "+hgetall", "+rpush", "+ltrim", "+llen", "+lrange", "+lindex", "+zadd", "+zscore",
            "+zrangebyscore", "+zremrangebyscore", "+pexpire", "+psetex");

    /** The default user's password that {@code options} set ({@code --requirepass}), if any. */
    public static Optional<String> passwordIn(List<String> options) {
        int index = options.indexOf(ADMIN_PASSWORD_OPTION);
        return index >= 0 ? Optional.of(options.get(index + 1)) : Optional.empty();
    }

    /** A free port on 127.0.0.1 where nothing listens, for "Redis is down" tests. */
    public static int freePort() {
        for (int attempt = 0; attempt < 10; attempt++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                if (socket.getLocalPort() != 6379) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no free port");
    }

    /** A Redis that is not running yet: {@link #restart()} starts it on the reserved port. */
    public static RedisServer notStarted() {
        return new RedisServer(freePort(), List.of(), Optional.empty());
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:<port>} */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** {@code redis://<user>:<password>@127.0.0.1:<port>}; an empty user is the default user. */
    public String url(String user, String password) {
        return "redis://" + user + ":" + password + "@127.0.0.1:" + port;
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** A fresh admin connection for the test's own queries (PUBSUB, INFO, CLIENT ...); close it after use. */
    public Jedis admin() {
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .timeoutMillis(5000)
                .autoNegotiateProtocol(false);
        adminPassword.ifPresent(config::password);
        return new Jedis(new HostAndPort("127.0.0.1", port), config.build());
    }

    /** Drops the connection of the client with this name ({@code CLIENT SETNAME}), as a network fault would. */
    public void killClient(String name) {
        try (Jedis jedis = admin()) {
            String id = jedis.clientList().lines()
                    .filter(line -> (" " + line + " ").contains(" name=" + name + " "))
                    .map(line -> line.substring("id=".length(), line.indexOf(' ')))
                    .findFirst().orElseThrow(() -> new AssertionError("no Redis client named " + name));
            jedis.clientKill(ClientKillParams.clientKillParams().id(id));
        }
    }

    /** Shuts it down with SIGTERM to its PID and waits until it exited. */
    public void stop() {
        endProcess(false);
    }

    /** Kills it with SIGKILL to its PID, as a crash would, and waits until it exited. */
    public void kill() {
        endProcess(true);
    }

    /** Starts it again on the same port (empty: nothing was persisted). */
    public void restart() {
        if (isRunning()) {
            throw new IllegalStateException("Redis on " + port + " is still running");
        }
        startProcess();
    }

    @Override
    public void close() {
        if (isRunning()) {
            endProcess(true);
        }
    }

    private void startProcess() {
        // Its own directory under target/ unless the options name one: a replica writes the RDB a full sync sends
        // it to its directory, which would otherwise be the working directory (the checkout).
        Path dir = log.resolveSibling("data-" + port);
        List<String> command = new ArrayList<>(List.of(binary(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no",
                "--dir", dir.toAbsolutePath().toString()));
        command.addAll(options);
        CompletableFuture<Void> ready = new CompletableFuture<>();
        try {
            Files.createDirectories(dir);
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + command.get(0), e);
        }
        Process started = process;
        reaper = new Thread(started::destroyForcibly, "redis-test-reaper-" + port);
        Runtime.getRuntime().addShutdownHook(reaper);
        Thread pump = new Thread(() -> copyLog(started, ready), "redis-test-log-" + port);
        pump.setDaemon(true);
        pump.start();
        try {
            ready.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | InterruptedException e) {
            process.destroyForcibly();
            throw new IllegalStateException("redis-server on port " + port + " did not start; see " + log, e);
        }
        try (Jedis jedis = admin()) {
            jedis.ping();
        }
    }

    /** Copies the server's output to its log file and signals readiness when Redis says so. */
    private void copyLog(Process started, CompletableFuture<Void> ready) {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(started.getInputStream(),
                StandardCharsets.UTF_8));
             Writer file = Files.newBufferedWriter(log, StandardCharsets.UTF_8,
                     java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND)) {
            String line;
            while ((line = out.readLine()) != null) {
                file.write(line);
                file.write('\n');
                file.flush();
                if (line.contains("Ready to accept connections")) {
                    ready.complete(null);
                }
            }
        } catch (IOException e) {
            ready.completeExceptionally(e);
        } finally {
            ready.completeExceptionally(new IllegalStateException("redis-server exited with " + exitCode(started)));
        }
    }

    private void endProcess(boolean force) {
        if (process == null) {
            return;
        }
        if (force) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
        ExternalPrograms.awaitExit(process, START_TIMEOUT, reaper);
    }

    private static String exitCode(Process process) {
        try {
            return process.waitFor(1, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "(running)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
    }

    private static String binary() {
        return ExternalPrograms.find("REDIS_SERVER", "redis-server", List.of(), ".ci/run installs it");
    }
}
