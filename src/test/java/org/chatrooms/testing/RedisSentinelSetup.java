package org.chatrooms.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * A primary, one replica and three {@code redis-sentinel} processes watching them, all on free ports of 127.0.0.1,
 * with fast clocks ({@code down-after-milliseconds} {@value #DOWN_AFTER_MILLIS}, {@code failover-timeout}
 * {@value #FAILOVER_TIMEOUT_MILLIS}) so a test sees a failover within a few seconds. Quorum 2. Every process is
 * stopped by its own PID in {@link #close}; sentinel configuration files (which Sentinel rewrites) and logs go to
 * {@code target/redis/}.
 *
 * <p>{@code redis-sentinel} is {@code $REDIS_SENTINEL}, else from the PATH (Debian's {@code redis-sentinel}).
 */
public final class RedisSentinelSetup implements AutoCloseable {

    public static final String MASTER = "chatmaster";
    public static final int DOWN_AFTER_MILLIS = 1000;
    public static final int FAILOVER_TIMEOUT_MILLIS = 3000;

    private final List<RedisServer> servers = new ArrayList<>();
    private final List<SentinelProcess> sentinels = new ArrayList<>();
    private final Optional<String> sentinelPassword;

    private RedisSentinelSetup(Optional<String> sentinelPassword) {
        this.sentinelPassword = sentinelPassword;
    }

    public static RedisSentinelSetup start() {
        return start(List.of());
    }

    /**
     * With {@code options} on the primary and the replica (e.g. {@code --requirepass secret}, {@code --user ...}).
     * A {@code --requirepass} is also the replica's {@code masterauth} and the sentinels' {@code auth-pass}, as a
     * deployment with a password needs; the sentinels themselves have none.
     */
    public static RedisSentinelSetup start(List<String> options) {
        return start(options, Optional.empty());
    }

    /**
     * As {@link #start(List)}, with sentinels that require {@code sentinelPassword} ({@code requirepass} in their
     * configuration, and {@code sentinel-pass} to talk to each other).
     */
    public static RedisSentinelSetup start(List<String> options, Optional<String> sentinelPassword) {
        RedisSentinelSetup setup = new RedisSentinelSetup(sentinelPassword);
        Optional<String> password = RedisServer.passwordIn(options);
        List<String> dataOptions = new ArrayList<>(options);
        password.ifPresent(secret -> dataOptions.addAll(List.of("--masterauth", secret)));
        try {
            RedisServer primary = RedisServer.start(dataOptions);
            setup.servers.add(primary);
            List<String> replicaOptions = new ArrayList<>(dataOptions);
            replicaOptions.addAll(List.of("--replicaof", "127.0.0.1", Integer.toString(primary.port())));
            RedisServer replica = RedisServer.start(replicaOptions);
            setup.servers.add(replica);
            try (Jedis admin = replica.admin()) {
                Eventually.until("the replica is in sync", RedisServer.START_TIMEOUT,
                        () -> admin.info("replication").contains("master_link_status:up"));
            }
            for (int i = 0; i < 3; i++) {
                setup.sentinels.add(SentinelProcess.start(primary.port(), password, sentinelPassword));
            }
            for (SentinelProcess sentinel : setup.sentinels) {
                try (Jedis jedis = sentinel.admin()) {
                    Eventually.until("sentinel " + sentinel.port + " sees the replica and the other sentinels",
                            Duration.ofSeconds(15), () -> {
                                var master = jedis.sentinelMasters().get(0);
                                return "1".equals(master.get("num-slaves"))
                                        && "2".equals(master.get("num-other-sentinels"));
                            });
                }
            }
            return setup;
        } catch (RuntimeException | Error e) {
            setup.close();
            throw e;
        }
    }

    /** {@code 127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3}, for {@code CHAT_REDIS_SENTINELS}. */
    public String sentinelList() {
        return sentinels.stream().map(s -> "127.0.0.1:" + s.port).collect(Collectors.joining(","));
    }

    /** The sentinels' own password, if they have one. */
    public Optional<String> sentinelPassword() {
        return sentinelPassword;
    }

    /** The primary and the replica, whichever role each has now. */
    public List<RedisServer> servers() {
        return servers.stream().filter(RedisServer::isRunning).toList();
    }

    /** The server the sentinels name as primary now. */
    public RedisServer primary() {
        int port = currentPrimaryPort();
        return servers.stream().filter(s -> s.port() == port).findFirst()
                .orElseThrow(() -> new AssertionError("no server on the primary's port " + port));
    }

    /** A running server the sentinels do not name as primary. */
    public RedisServer replica() {
        int port = currentPrimaryPort();
        return servers.stream().filter(s -> s.port() != port && s.isRunning()).findFirst()
                .orElseThrow(() -> new AssertionError("no running replica"));
    }

    public int currentPrimaryPort() {
        try (Jedis jedis = sentinels.get(0).admin()) {
            return Integer.parseInt(jedis.sentinelGetMasterAddrByName(MASTER).get(1));
        }
    }

    /** Waits until the sentinels name a primary other than {@code oldPort}, and it answers as a primary. */
    public RedisServer awaitFailover(int oldPort, Duration timeout) {
        Eventually.until("the sentinels promote the replica", timeout, () -> currentPrimaryPort() != oldPort);
        RedisServer promoted = primary();
        try (Jedis admin = promoted.admin()) {
            Eventually.until("the promoted replica answers as a primary", timeout,
                    () -> admin.info("replication").contains("role:master"));
        }
        return promoted;
    }

    /**
     * A failover with the primary alive ({@code SENTINEL FAILOVER}): the replica is promoted and the old primary,
     * still running, becomes its replica. Waits until the promoted one answers as a primary and the old one as a
     * replica (until Sentinel reconfigures it, the old primary still takes writes that the hand-over then loses).
     */
    public RedisServer switchPrimary(Duration timeout) {
        RedisServer old = primary();
        try (Jedis jedis = sentinels.get(0).admin()) {
            jedis.sentinelFailover(MASTER);
        }
        RedisServer promoted = awaitFailover(old.port(), timeout);
        // A fresh connection each time: the old primary drops its clients when it turns into a replica.
        Eventually.until("the old primary is the promoted one's replica", timeout, () -> {
            try (Jedis admin = old.admin()) {
                return admin.info("replication").contains("master_port:" + promoted.port() + "\r");
            } catch (JedisConnectionException e) {
                return false;
            }
        });
        return promoted;
    }

    @Override
    public void close() {
        for (SentinelProcess sentinel : sentinels) {
            sentinel.close();
        }
        for (RedisServer server : servers) {
            server.close();
        }
    }

    /** One {@code redis-sentinel} with its own (rewritable) configuration file. */
    private static final class SentinelProcess implements AutoCloseable {
        final int port;
        final Process process;
        final Thread reaper;
        final Optional<String> password;

        private SentinelProcess(int port, Process process, Optional<String> password) {
            this.port = port;
            this.process = process;
            this.password = password;
            this.reaper = new Thread(process::destroyForcibly, "sentinel-test-reaper-" + port);
            Runtime.getRuntime().addShutdownHook(reaper);
        }

        static SentinelProcess start(int primaryPort, Optional<String> dataPassword, Optional<String> ownPassword) {
            int port = RedisServer.freePort();
            Path dir = Path.of(System.getProperty("chat.test.output", "target"), "redis");
            Path config = dir.resolve("sentinel-" + port + ".conf");
            Path log = dir.resolve("sentinel-" + port + ".log");
            String text = String.join("\n",
                    "port " + port,
                    "bind 127.0.0.1",
                    "daemonize no",
                    "logfile \"\"",
                    "sentinel monitor " + MASTER + " 127.0.0.1 " + primaryPort + " 2",
                    "sentinel down-after-milliseconds " + MASTER + " " + DOWN_AFTER_MILLIS,
                    "sentinel failover-timeout " + MASTER + " " + FAILOVER_TIMEOUT_MILLIS,
                    "sentinel parallel-syncs " + MASTER + " 1",
                    dataPassword.map(secret -> "sentinel auth-pass " + MASTER + " " + secret).orElse(""),
                    ownPassword.map(secret -> "requirepass " + secret).orElse(""),
                    ownPassword.map(secret -> "sentinel sentinel-pass " + secret).orElse(""),
                    "");
            Process process;
            try {
                Files.createDirectories(dir);
                Files.writeString(config, text, StandardCharsets.UTF_8);
                process = new ProcessBuilder(binary(), config.toAbsolutePath().toString())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot start redis-sentinel", e);
            }
            SentinelProcess sentinel = new SentinelProcess(port, process, ownPassword);
            try {
                Eventually.until("redis-sentinel on " + port + " answers", RedisServer.START_TIMEOUT, () -> {
                    try (Jedis jedis = sentinel.admin()) {
                        return jedis.sentinelGetMasterAddrByName(MASTER) != null;
                    } catch (RuntimeException e) {
                        return false;
                    }
                });
            } catch (RuntimeException | Error e) {
                sentinel.close();
                throw e;
            }
            return sentinel;
        }

        Jedis admin() {
            return new Jedis(new HostAndPort("127.0.0.1", port), DefaultJedisClientConfig.builder()
                    .timeoutMillis(5000).autoNegotiateProtocol(false).password(password.orElse(null)).build());
        }

        @Override
        public void close() {
            process.destroyForcibly();
            ExternalPrograms.awaitExit(process, RedisServer.START_TIMEOUT, reaper);
        }

        private static String binary() {
            return ExternalPrograms.find("REDIS_SENTINEL", "redis-sentinel", List.of(), ".ci/run installs redis-sentinel");
        }
    }
}
