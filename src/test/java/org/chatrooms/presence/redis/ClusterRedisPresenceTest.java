package org.chatrooms.presence.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.chatrooms.presence.Member;
import org.chatrooms.presence.PresenceEvent;
import org.chatrooms.relay.redis.RedisRelayConfig;
import org.chatrooms.testing.RedisClusterSetup;
import org.chatrooms.testing.RedisServer;
import org.chatrooms.testing.RelayThreadCheck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import redis.clients.jedis.Jedis;

/**
 * {@link RedisPresenceTest}'s tests (the presence contract and the Redis model's) in Cluster mode, against three
 * primaries and three replicas this class starts: announcements are SPUBLISHed on the room's sharded channel, and
 * every key of a room is on the shard that owns the room's slot. Failover: {@code PresenceFailoverHA}.
 */
class ClusterRedisPresenceTest extends RedisPresenceTest {

    private static RedisClusterSetup cluster;

    /** Hides {@link RedisPresenceTest#startRedis}: this class's Redis is the cluster. */
    @BeforeAll
    static void startRedis() {
        cluster = RedisClusterSetup.start();
    }

    @AfterAll
    static void stopRedis() {
        cluster.close();
        RelayThreadCheck.assertNoneAlive();
    }

    @Override
    protected RedisRelayConfig config() {
        Map<String, String> settings = Map.of("CHAT_REDIS_CLUSTER", cluster.seeds(), "CHAT_REDIS_PREFIX", prefix);
        return RedisRelayConfig.fromSettings(name -> Optional.ofNullable(settings.get(name))).orElseThrow();
    }

    @Override
    protected Jedis admin(String key) {
        return cluster.ownerOf(cluster.slotOf(key)).admin();
    }

    @Override
    protected List<RedisServer> primaries() {
        return cluster.primaries();
    }

    /** The room's presence keys and its sharded channel are on the primary that owns the room's slot, and only there. */
    @Test
    void aRoomsPresenceLivesOnItsShard() {
        Node node = node();
        Member bob = new Member("bob", false);
        node.presence.join(ROOM, bob);
        assertEquals(PresenceEvent.join(bob), node.nextEvent());
        String channel = prefix + "room:{lobby}";
        RedisServer home = cluster.ownerOf(cluster.slotOf(channel));
        for (RedisServer primary : cluster.primaries()) {
            boolean isHome = primary.port() == home.port();
            try (Jedis admin = primary.admin()) {
                assertEquals(isHome ? 1L : 0L, admin.pubsubShardNumSub(channel).get(channel),
                        "SHARDNUMSUB of the room on " + primary.port());
                if (isHome) {
                    Map<String, String> entries = admin.hgetAll(channel + ":presence");
                    assertEquals(1, entries.size(), entries.toString());
                    assertEquals(true, entries.keySet().iterator().next().endsWith("|0|bob"), entries.toString());
                    assertEquals(Map.of("0|bob", "1"), admin.hgetAll(channel + ":names"));
                }
            }
        }
    }
}
