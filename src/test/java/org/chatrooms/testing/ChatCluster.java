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
 * deployment (one server, Sentinel or Cluster: {@link RedisDeployment})
 * under a key prefix unique to this cluster, so tests never see each other's rooms. Each node reads its Redis
 * settings from context parameters, so nodes of one JVM can even point at different Redis servers. Their senders
 * are test scripts, not people: the per-socket rate limit is off ({@code CHAT_RATE_LIMIT=0}) unless a test sets it.
 * {@link #close()} stops every node and then checks that no relay thread outlived them.
 */
public final class ChatCluster implements AutoCloseable {

    private final RedisDeployment redis;
    private final String prefix = "it-" + UUID.randomUUID() + ":";
    private final List<ChatServer> nodes = new ArrayList<>();

    /** Nodes that connect with {@code redisUrl}, e.g. one with a password, to {@code redis}. */
    public ChatCluster(RedisServer redis, String redisUrl) {
        this(RedisDeployment.standalone(redis, redisUrl));
    }

    /** Nodes in whichever Redis mode {@code redis} is (one server, Sentinel, Cluster); it is not closed here. */
    public ChatCluster(RedisDeployment redis) {
        this.redis = redis;
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
        Eventually.until(nodes + " node(s) subscribed to room " + room, Duration.ofSeconds(10),
                () -> redis.subscribers(channel(room)) >= nodes);
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
        Map<String, String> environment = new HashMap<>(redis.settings());
        environment.put("CHAT_REDIS_PREFIX", prefix);
        environment.put("CHAT_RATE_LIMIT", "0");
        return Map.copyOf(environment);
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
