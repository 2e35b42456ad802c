package org.chatrooms.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.chatrooms.dev.ChatServer;

/**
 * Several chat nodes (each a whole embedded Tomcat with the built WAR, on its own free port) sharing one Redis
 * under a key prefix unique to this cluster, so tests never see each other's rooms. Each node reads its Redis
 * settings from context parameters, so nodes of one JVM can even point at different Redis servers. Their senders
 * are test scripts, not people: the per-socket rate limit is off ({@code CHAT_RATE_LIMIT=0}) unless a test sets it.
 * {@link #close()} stops every node and then checks that no relay thread outlived them.
 */
public final class ChatCluster implements AutoCloseable {

    private final RedisServer redis;
    private final String redisUrl;
    private final String prefix = "it-" + UUID.randomUUID() + ":";
    private final List<ChatServer> nodes = new ArrayList<>();

    /** Nodes that connect with {@code redisUrl}, e.g. one with a password, to {@code redis}. */
    public ChatCluster(RedisServer redis, String redisUrl) {
        this.redis = redis;
        this.redisUrl = redisUrl;
    }

    public ChatCluster(RedisServer redis) {
        this(redis, redis.url());
    }

    public String prefix() {
        return prefix;
    }

    /** The Redis channel of a room, as the nodes of this cluster name it. */
    public String channel(String room) {
        return prefix + "room:{" + room + "}";
    }

    /**
     * Waits until {@code nodes} nodes subscribe to the room. Handshakes wait for the subscription before the 101,
     * so after {@link ChatClient#join} this returns at once; tests call it to state what they rely on.
     */
    public void awaitSubscribers(String room, int nodes) {
        try (var admin = redis.admin()) {
            Eventually.until(nodes + " node(s) subscribed to room " + room, Duration.ofSeconds(10),
                    () -> admin.pubsubNumSub(channel(room)).get(channel(room)) >= nodes);
        }
    }

    public ChatServer startNode() {
        return startNode(Map.of());
    }

    /** A node with extra context parameters, e.g. a different {@code CHAT_REDIS_URL}. */
    public ChatServer startNode(Map<String, String> parameters) {
        Map<String, String> all = new HashMap<>(environment());
        all.putAll(parameters);
        try {
            ChatServer node = ChatServer.start(all);
            nodes.add(node);
            return node;
        } catch (Exception e) {
            throw new IllegalStateException("Node did not start", e);
        }
    }

    /** Environment for a node in another JVM ({@link NodeProcess}) that joins this cluster. */
    public Map<String, String> environment() {
        return Map.of("CHAT_REDIS_URL", redisUrl, "CHAT_REDIS_PREFIX", prefix, "CHAT_RATE_LIMIT", "0");
    }

    public void stop(ChatServer node) throws Exception {
        nodes.remove(node);
        node.close();
    }

    @Override
    public void close() throws Exception {
        Exception failure = null;
        for (int i = nodes.size() - 1; i >= 0; i--) {
            try {
                nodes.get(i).close();
            } catch (Exception e) {
                failure = e;
            }
        }
        nodes.clear();
        if (failure != null) {
            throw failure;
        }
        RelayThreadCheck.assertNoneAlive();
    }
}
