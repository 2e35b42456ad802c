package org.chatrooms.bench.targets;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.chatrooms.testing.NodeProcess;
import org.chatrooms.testing.RedisServer;

/**
 * Chat nodes of the built WAR, each an embedded Tomcat in a JVM of its own ({@link NodeProcess}), so their CPU
 * and heap are theirs alone; with a Redis this target starts ({@link RedisServer}, a free port, never 6379) when
 * there are several. Every per-client limit is switched off: the benchmark opens thousands of sockets from one
 * address and sends far faster than a person would.
 */
public final class NodeTarget implements Target {

    /** Limits teammates are adding; a node ignores settings it does not know, so passing them is harmless. */
    private static final Map<String, String> NO_LIMITS = Map.of(
            "CHAT_RATE_LIMIT", "0",
            "CHAT_MAX_SOCKETS", "0",
            "CHAT_MAX_SOCKETS_PER_ADDRESS", "0",
            "CHAT_MAX_ROOM_SOCKETS", "0");

    private final String key;
    private final String description;
    private final RedisServer redis;
    private final List<NodeProcess> nodes;

    private NodeTarget(String key, String description, RedisServer redis, List<NodeProcess> nodes) {
        this.key = key;
        this.description = description;
        this.redis = redis;
        this.nodes = List.copyOf(nodes);
    }

    /** One node with the in-memory relay. */
    public static NodeTarget inMemory(List<String> jvmOptions) {
        return inMemory(jvmOptions, "");
    }

    /** One node with the in-memory relay; {@code variant} is appended to its key ("-baseline"). */
    public static NodeTarget inMemory(List<String> jvmOptions, String variant) {
        NodeProcess node = NodeProcess.start(NO_LIMITS, jvmOptions);
        return new NodeTarget("memory" + variant, "1 node, in-memory relay" + described(variant, jvmOptions), null,
                List.of(node));
    }

    private static String described(String variant, List<String> jvmOptions) {
        return variant.isEmpty() ? "" : " (" + variant.substring(1) + ": " + String.join(" ", jvmOptions.stream()
                .filter(option -> !option.startsWith("--add-opens") && !option.startsWith("-Djava.util.logging")
                        && !option.startsWith("-Xmx")).toList()) + ")";
    }

    /** {@code count} nodes sharing a Redis that this target starts. */
    public static NodeTarget withRedis(int count, List<String> jvmOptions) {
        return withRedis(count, jvmOptions, "");
    }

    /** {@code count} nodes sharing a Redis; {@code variant} is appended to the key ("-baseline"). */
    public static NodeTarget withRedis(int count, List<String> jvmOptions, String variant) {
        RedisServer redis = RedisServer.start();
        List<NodeProcess> nodes = new ArrayList<>();
        String version;
        try {
            version = redisVersion(redis);
            Map<String, String> environment = new HashMap<>(NO_LIMITS);
            environment.put("CHAT_REDIS_URL", redis.url());
            environment.put("CHAT_REDIS_PREFIX", "bench:");
            for (int i = 0; i < count; i++) {
                nodes.add(NodeProcess.start(environment, jvmOptions));
            }
        } catch (RuntimeException e) {
            nodes.forEach(NodeProcess::close);
            redis.close();
            throw e;
        }
        return new NodeTarget("redis" + variant, count + " nodes + Redis " + version + described(variant, jvmOptions),
                redis, nodes);
    }

    @Override
    public String key() {
        return key;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public List<InetSocketAddress> nodes() {
        return nodes.stream().map(node -> new InetSocketAddress("127.0.0.1", node.port())).toList();
    }

    /** The PID of the first node (the one heap figures are read from). */
    public long firstNodePid() {
        return nodes.get(0).pid();
    }

    @Override
    public List<Long> jvmPids() {
        return nodes.stream().map(NodeProcess::pid).toList();
    }

    @Override
    public Map<String, CpuMeter> cpu() {
        Map<String, CpuMeter> meters = new LinkedHashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            meters.put("node " + (i + 1), new ProcessCpu(nodes.get(i).pid()));
        }
        if (redis != null) {
            meters.put("redis", new ProcessCpu(redis.pid()));
        }
        return meters;
    }

    @Override
    public void close() {
        nodes.forEach(NodeProcess::close);
        if (redis != null) {
            redis.close();
        }
    }

    private static String redisVersion(RedisServer redis) {
        try (var admin = redis.admin()) {
            return admin.info("server").lines().filter(line -> line.startsWith("redis_version:"))
                    .map(line -> line.substring("redis_version:".length()).trim()).findFirst().orElse("");
        }
    }
}
