package org.chatrooms.presence.redis;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.chatrooms.relay.redis.RedisRelayConfig;
import org.chatrooms.testing.RedisSentinelSetup;
import org.chatrooms.testing.RedisServer;
import org.chatrooms.testing.RelayThreadCheck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import redis.clients.jedis.Jedis;

/**
 * {@link RedisPresenceTest}'s tests (the presence contract and the Redis model's) in Sentinel mode, against a
 * primary, a replica and three sentinels this class starts. Failover: {@code PresenceFailoverHA}.
 */
class SentinelRedisPresenceTest extends RedisPresenceTest {

    private static RedisSentinelSetup sentinel;

    /** Hides {@link RedisPresenceTest#startRedis}: this class's Redis is the Sentinel setup. */
    @BeforeAll
    static void startRedis() {
        sentinel = RedisSentinelSetup.start();
    }

    @AfterAll
    static void stopRedis() {
        sentinel.close();
        RelayThreadCheck.assertNoneAlive();
    }

    @Override
    protected RedisRelayConfig config() {
        Map<String, String> settings = Map.of("CHAT_REDIS_SENTINELS", sentinel.sentinelList(),
                "CHAT_REDIS_MASTER", RedisSentinelSetup.MASTER, "CHAT_REDIS_PREFIX", prefix);
        return RedisRelayConfig.fromSettings(name -> Optional.ofNullable(settings.get(name))).orElseThrow();
    }

    @Override
    protected Jedis admin(String key) {
        return sentinel.primary().admin();
    }

    @Override
    protected List<RedisServer> primaries() {
        return List.of(sentinel.primary());
    }
}
