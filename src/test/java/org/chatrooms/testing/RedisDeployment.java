package org.chatrooms.testing;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import redis.clients.jedis.Jedis;

/**
 * A Redis as the nodes of a {@link ChatCluster} see it, in any of the relay's three modes, and what tests ask it
 * about subscriptions: one server ({@code CHAT_REDIS_URL}), Sentinel ({@link RedisSentinelSetup}) or Cluster
 * ({@link RedisClusterSetup}, where rooms' channels are sharded and counted on their own shard). Closing it stops
 * every process it started.
 */
public interface RedisDeployment extends AutoCloseable {

    /** Which of the three modes this is. */
    RedisMode mode();

    /** The settings that point a node at it (besides the prefix). */
    Map<String, String> settings();

    /**
     * The settings that give a node {@code user} (empty: the default user) and {@code password} the way the
     * README documents for this mode: in {@code CHAT_REDIS_URL} for one server, else {@code CHAT_REDIS_USER} and
     * {@code CHAT_REDIS_PASSWORD}. A node started with these as extra parameters authenticates so.
     */
    Map<String, String> credentials(String user, String password);

    /** The servers that hold rooms' keys and channels now: the one server, the primary, the cluster's primaries. */
    List<RedisServer> primaries();

    /** Every running data process (replicas too; not the sentinels), e.g. to list the clients connected. */
    List<RedisServer> dataNodes();

    /**
     * Sentinel and Cluster: the primary that holds {@code key} hands over to its replica while it keeps running
     * ({@code SENTINEL FAILOVER}, {@code CLUSTER FAILOVER}); returns once the replica serves as primary. One server
     * has no replica: unsupported.
     */
    void failOverGracefully(String key, Duration timeout);

    /** Nodes subscribed to {@code channel} (PUBSUB NUMSUB, or SHARDNUMSUB on the shards). */
    long subscribers(String channel);

    /** Subscribed channels matching {@code pattern} (PUBSUB CHANNELS, or SHARDCHANNELS over every primary). */
    Set<String> channels(String pattern);

    @Override
    void close();

    static RedisDeployment standalone(RedisServer redis) {
        return standalone(redis, redis.url());
    }

    static RedisDeployment standalone(RedisServer redis, String url) {
        return new RedisDeployment() {
            @Override
            public RedisMode mode() {
                return RedisMode.STANDALONE;
            }

            @Override
            public Map<String, String> settings() {
                return Map.of("CHAT_REDIS_URL", url);
            }

            @Override
            public Map<String, String> credentials(String user, String password) {
                return Map.of("CHAT_REDIS_URL", redis.url(user, password));
            }

            @Override
            public List<RedisServer> primaries() {
                return List.of(redis);
            }

            @Override
            public List<RedisServer> dataNodes() {
                return List.of(redis);
            }

            @Override
            public void failOverGracefully(String key, Duration timeout) {
                throw new UnsupportedOperationException("one server has no replica to hand over to");
            }

            @Override
            public long subscribers(String channel) {
                try (Jedis admin = redis.admin()) {
                    return admin.pubsubNumSub(channel).get(channel);
                }
            }

            @Override
            public Set<String> channels(String pattern) {
                try (Jedis admin = redis.admin()) {
                    return Set.copyOf(admin.pubsubChannels(pattern));
                }
            }

            @Override
            public void close() {
                redis.close();
            }
        };
    }

    static RedisDeployment sentinel(RedisSentinelSetup sentinel) {
        return new RedisDeployment() {
            @Override
            public RedisMode mode() {
                return RedisMode.SENTINEL;
            }

            @Override
            public Map<String, String> settings() {
                Map<String, String> settings = new HashMap<>(Map.of("CHAT_REDIS_SENTINELS", sentinel.sentinelList(),
                        "CHAT_REDIS_MASTER", RedisSentinelSetup.MASTER));
                sentinel.sentinelPassword().ifPresent(secret -> settings.put("CHAT_REDIS_SENTINEL_PASSWORD", secret));
                return Map.copyOf(settings);
            }

            @Override
            public Map<String, String> credentials(String user, String password) {
                return userAndPassword(user, password);
            }

            @Override
            public List<RedisServer> primaries() {
                return List.of(sentinel.primary());
            }

            @Override
            public List<RedisServer> dataNodes() {
                return sentinel.servers();
            }

            @Override
            public void failOverGracefully(String key, Duration timeout) {
                sentinel.switchPrimary(timeout);
            }

            @Override
            public long subscribers(String channel) {
                return standalone(sentinel.primary(), "").subscribers(channel);
            }

            @Override
            public Set<String> channels(String pattern) {
                return standalone(sentinel.primary(), "").channels(pattern);
            }

            @Override
            public void close() {
                sentinel.close();
            }
        };
    }

    static RedisDeployment cluster(RedisClusterSetup cluster) {
        return new RedisDeployment() {
            @Override
            public RedisMode mode() {
                return RedisMode.CLUSTER;
            }

            @Override
            public Map<String, String> settings() {
                return Map.of("CHAT_REDIS_CLUSTER", cluster.seeds());
            }

            @Override
            public Map<String, String> credentials(String user, String password) {
                return userAndPassword(user, password);
            }

            @Override
            public List<RedisServer> primaries() {
                return cluster.primaries();
            }

            @Override
            public List<RedisServer> dataNodes() {
                return cluster.servers();
            }

            @Override
            public void failOverGracefully(String key, Duration timeout) {
                cluster.failOverGracefully(cluster.slotOf(key), timeout);
            }

            @Override
            public long subscribers(String channel) {
                long count = 0;
                for (RedisServer primary : cluster.primaries()) {
                    try (Jedis admin = primary.admin()) {
                        count += admin.pubsubShardNumSub(channel).get(channel);
                    }
                }
                return count;
            }

            @Override
            public Set<String> channels(String pattern) {
                Set<String> all = new HashSet<>();
                for (RedisServer primary : cluster.primaries()) {
                    try (Jedis admin = primary.admin()) {
                        List<String> shard = admin.pubsubShardChannels(pattern);
                        all.addAll(shard);
                    }
                }
                return all;
            }

            @Override
            public void close() {
                cluster.close();
            }
        };
    }

    /** Sentinel and Cluster: {@code CHAT_REDIS_USER} (unless the default user) and {@code CHAT_REDIS_PASSWORD}. */
    private static Map<String, String> userAndPassword(String user, String password) {
        return user.isEmpty() ? Map.of("CHAT_REDIS_PASSWORD", password)
                : Map.of("CHAT_REDIS_USER", user, "CHAT_REDIS_PASSWORD", password);
    }
}
