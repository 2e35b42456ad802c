package org.chatrooms.testing;

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

    /** The settings that point a node at it (besides the prefix). */
    Map<String, String> settings();

    /** Nodes subscribed to {@code channel} (PUBSUB NUMSUB, or SHARDNUMSUB on the shards). */
    long subscribers(String channel);

    /** Subscribed channels matching {@code pattern} (PUBSUB CHANNELS, or SHARDCHANNELS over every primary). */
    Set<String> channels(String pattern);

    @Override
    void close();

    static RedisDeployment standalone(RedisServer redis, String url) {
        return new RedisDeployment() {
            @Override
            public Map<String, String> settings() {
                return Map.of("CHAT_REDIS_URL", url);
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
            public Map<String, String> settings() {
                return Map.of("CHAT_REDIS_SENTINELS", sentinel.sentinelList(),
                        "CHAT_REDIS_MASTER", RedisSentinelSetup.MASTER);
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
            public Map<String, String> settings() {
                return Map.of("CHAT_REDIS_CLUSTER", cluster.seeds());
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
}
