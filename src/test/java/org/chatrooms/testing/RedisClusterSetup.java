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
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import redis.clients.jedis.Jedis;

/**
 * A Redis Cluster of three primaries and three replicas ({@code redis-cli --cluster create --cluster-replicas 1}),
 * each a {@link RedisServer} on a free port of 127.0.0.1 with {@code cluster-node-timeout} {@value #NODE_TIMEOUT_MILLIS}
 * ms, so a killed primary's replica takes over within a few seconds. Start-up waits (with timeouts) until every
 * node reports {@code cluster_state:ok}. {@link #close} kills every process by its PID.
 *
 * <p>{@code redis-cli} is {@code $REDIS_CLI}, else from the PATH.
 */
public final class RedisClusterSetup implements AutoCloseable {

    public static final int NODE_TIMEOUT_MILLIS = 1000;
    private static final Duration CREATE_TIMEOUT = Duration.ofSeconds(30);

    private final List<RedisServer> servers = new ArrayList<>();

    private RedisClusterSetup() {
    }

    public static RedisClusterSetup start() {
        return start(List.of());
    }

    /**
     * With {@code options} on every node (e.g. {@code --requirepass secret}, {@code --user ...}). A
     * {@code --requirepass} is also every node's {@code masterauth}, so replicas can sync, and what
     * {@code redis-cli --cluster create} authenticates with.
     */
    public static RedisClusterSetup start(List<String> options) {
        RedisClusterSetup setup = new RedisClusterSetup();
        Optional<String> password = RedisServer.passwordIn(options);
        try {
            Path base = Path.of(System.getProperty("chat.test.output", "target"), "redis",
                    "cluster-" + UUID.randomUUID());
            for (int i = 0; i < 6; i++) {
                Path dir = base.resolve("node-" + i);
                Files.createDirectories(dir);
                List<String> nodeOptions = new ArrayList<>(List.of("--cluster-enabled", "yes",
                        "--cluster-node-timeout", Integer.toString(NODE_TIMEOUT_MILLIS),
                        // As docs/redis-relay.md asks of a production cluster: a shard that is down must not take
                        // the others' rooms with it.
                        "--cluster-require-full-coverage", "no",
                        // Replicas sync at once (Redis 7 waits 5 s by default for more replicas to share a sync).
                        "--repl-diskless-sync-delay", "0",
                        "--cluster-config-file", "nodes.conf", "--dir", dir.toAbsolutePath().toString()));
                nodeOptions.addAll(options);
                password.ifPresent(secret -> nodeOptions.addAll(List.of("--masterauth", secret)));
                setup.servers.add(RedisServer.start(nodeOptions));
            }
            List<String> command = new ArrayList<>(List.of(cli(), "--cluster", "create"));
            setup.servers.forEach(s -> command.add("127.0.0.1:" + s.port()));
            command.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
            Path log = base.resolve("create.log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            // redis-cli's way to take a password without it showing in the process list.
            password.ifPresent(secret -> builder.environment().put("REDISCLI_AUTH", secret));
            Process create = builder.start();
            if (!create.waitFor(CREATE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                create.destroyForcibly();
                throw new IllegalStateException("redis-cli --cluster create did not finish; see " + log);
            }
            if (create.exitValue() != 0) {
                throw new IllegalStateException("redis-cli --cluster create failed: "
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            setup.awaitStateOk(CREATE_TIMEOUT);
            setup.awaitReplicasInSync(CREATE_TIMEOUT);
            return setup;
        } catch (IOException e) {
            setup.close();
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            setup.close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (RuntimeException | Error e) {
            setup.close();
            throw e;
        }
    }

    /** Every node, primaries and replicas, as {@code 127.0.0.1:p,...}, for {@code CHAT_REDIS_CLUSTER}. */
    public String seeds() {
        return servers.stream().filter(RedisServer::isRunning).map(s -> "127.0.0.1:" + s.port())
                .collect(Collectors.joining(","));
    }

    /** Waits until every running node says {@code cluster_state:ok}. */
    public void awaitStateOk(Duration timeout) {
        for (RedisServer server : servers) {
            if (!server.isRunning()) {
                continue;
            }
            try (Jedis admin = server.admin()) {
                Eventually.until("node " + server.port() + " reports cluster_state:ok", timeout,
                        () -> admin.clusterInfo().contains("cluster_state:ok"));
            }
        }
    }

    /** Waits until three replicas report their link to the primary up, so a killed primary can be replaced. */
    public void awaitReplicasInSync(Duration timeout) {
        Eventually.until("three replicas in sync", timeout, () -> servers.stream().filter(RedisServer::isRunning)
                .filter(server -> {
                    try (Jedis admin = server.admin()) {
                        String replication = admin.info("replication");
                        return replication.contains("role:slave") && replication.contains("master_link_status:up");
                    }
                }).count() == 3);
    }

    /** The running primary that serves {@code slot}, as the running nodes agree. */
    public RedisServer ownerOf(int slot) {
        for (RedisServer server : servers) {
            if (!server.isRunning()) {
                continue;
            }
            try (Jedis admin = server.admin()) {
                if (!admin.info("replication").contains("role:master")) {
                    continue;
                }
                for (String line : admin.clusterNodes().split("\n")) {
                    if (line.contains("myself") && servesSlot(line, slot)) {
                        return server;
                    }
                }
            }
        }
        throw new AssertionError("no running primary serves slot " + slot);
    }

    /** Every running node, primaries and replicas. */
    public List<RedisServer> servers() {
        return servers.stream().filter(RedisServer::isRunning).toList();
    }

    /** The three primaries, running ones only. */
    public List<RedisServer> primaries() {
        List<RedisServer> primaries = new ArrayList<>();
        for (RedisServer server : servers) {
            if (server.isRunning()) {
                try (Jedis admin = server.admin()) {
                    if (admin.info("replication").contains("role:master")) {
                        primaries.add(server);
                    }
                }
            }
        }
        return primaries;
    }

    /** Waits until a running primary other than {@code dead} serves {@code slot} and the cluster is ok again. */
    public RedisServer awaitNewOwner(int slot, RedisServer dead, Duration timeout) {
        RedisServer[] owner = new RedisServer[1];
        Eventually.until("a replica takes over slot " + slot, timeout, () -> {
            try {
                owner[0] = ownerOf(slot);
                return owner[0] != dead;
            } catch (AssertionError | RuntimeException e) {
                return false;
            }
        });
        awaitStateOk(timeout);
        return owner[0];
    }

    /**
     * A manual failover of the shard that owns {@code slot} ({@code CLUSTER FAILOVER} on its replica): the replica
     * takes over with the old primary alive, which becomes its replica. Waits until the cluster agrees.
     */
    public RedisServer failOverGracefully(int slot, Duration timeout) {
        RedisServer owner = ownerOf(slot);
        RedisServer replica = servers.stream().filter(RedisServer::isRunning).filter(server -> {
            try (Jedis admin = server.admin()) {
                String replication = admin.info("replication");
                return replication.contains("role:slave") && replication.contains("master_port:" + owner.port() + "\r")
                        && replication.contains("master_link_status:up");
            }
        }).findFirst().orElseThrow(() -> new AssertionError("no replica in sync with " + owner.port()));
        try (Jedis admin = replica.admin()) {
            admin.clusterFailover();
        }
        return awaitNewOwner(slot, owner, timeout);
    }

    /**
     * Moves {@code slot} with its keys from its primary to {@code target}, the way {@code redis-cli --cluster
     * reshard} does: IMPORTING on the target, MIGRATING on the source, MIGRATE of every key, then the new owner
     * announced to every primary. Waits until every running node agrees.
     */
    public void migrateSlot(int slot, RedisServer target) {
        beginMigration(slot, target);
        finishMigration(slot, target);
    }

    /**
     * The first half of {@link #migrateSlot}: the slot IMPORTING on {@code target} and MIGRATING on its owner, and
     * every key moved, but the owner not changed yet, so the old owner answers the slot's commands with
     * {@code ASK}.
     */
    public void beginMigration(int slot, RedisServer target) {
        RedisServer source = ownerOf(slot);
        try (Jedis from = source.admin(); Jedis to = target.admin()) {
            to.clusterSetSlotImporting(slot, from.clusterMyId());
            from.clusterSetSlotMigrating(slot, to.clusterMyId());
            List<String> keys;
            while (!(keys = from.clusterGetKeysInSlot(slot, 100)).isEmpty()) {
                from.migrate("127.0.0.1", target.port(), 5000,
                        new redis.clients.jedis.params.MigrateParams(), keys.toArray(String[]::new));
            }
        }
    }

    /** The second half of {@link #migrateSlot}: {@code target} announced as the slot's owner, and agreed on. */
    public void finishMigration(int slot, RedisServer target) {
        String targetId = nodeIdOf(target);
        for (RedisServer primary : primaries()) {
            try (Jedis admin = primary.admin()) {
                admin.clusterSetSlotNode(slot, targetId);
            }
        }
        Eventually.until("every node sees slot " + slot + " on " + target.port(), CREATE_TIMEOUT, () -> {
            for (RedisServer server : servers) {
                if (!server.isRunning()) {
                    continue;
                }
                try (Jedis admin = server.admin()) {
                    boolean agrees = admin.clusterNodes().lines().anyMatch(line -> line.startsWith(nodeIdOf(target))
                            && servesSlot(line, slot));
                    if (!agrees) {
                        return false;
                    }
                }
            }
            return true;
        });
    }

    private static String nodeIdOf(RedisServer server) {
        try (Jedis admin = server.admin()) {
            return admin.clusterMyId();
        }
    }

    public int slotOf(String key) {
        RedisServer any = servers.stream().filter(RedisServer::isRunning).findFirst().orElseThrow();
        try (Jedis admin = any.admin()) {
            return (int) admin.clusterKeySlot(key);
        }
    }

    @Override
    public void close() {
        for (RedisServer server : servers) {
            server.close();
        }
    }

    private static boolean servesSlot(String nodesLine, int slot) {
        String[] fields = nodesLine.split(" ");
        for (int i = 8; i < fields.length; i++) {
            String range = fields[i];
            if (range.startsWith("[")) {
                continue; // a slot being imported or migrated
            }
            int dash = range.indexOf('-');
            int from = Integer.parseInt(dash < 0 ? range : range.substring(0, dash));
            int to = dash < 0 ? from : Integer.parseInt(range.substring(dash + 1));
            if (slot >= from && slot <= to) {
                return true;
            }
        }
        return false;
    }

    private static String cli() {
        return ExternalPrograms.find("REDIS_CLI", "redis-cli", List.of(), ".ci/run installs redis-tools");
    }
}
