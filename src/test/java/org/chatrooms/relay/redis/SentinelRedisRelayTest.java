package org.chatrooms.relay.redis;

import java.util.Map;
import java.util.UUID;

import org.chatrooms.relay.Relay;
import org.chatrooms.relay.RelayContractTest;
import org.chatrooms.relay.StreamRetention;
import org.chatrooms.testing.RedisSentinelSetup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The relay contract for the Redis relay in Sentinel mode ({@code CHAT_REDIS_SENTINELS} + {@code CHAT_REDIS_MASTER}),
 * against a primary, a replica and three sentinels this class starts. Failover itself: {@code RedisSentinelFailoverTest}.
 */
class SentinelRedisRelayTest extends RelayContractTest {

    private static RedisSentinelSetup sentinel;

    @BeforeAll
    static void startSentinel() {
        sentinel = RedisSentinelSetup.start();
    }

    @AfterAll
    static void stopSentinel() {
        sentinel.close();
    }

    @Override
    protected Relay newRelay(StreamRetention retention) {
        RedisRelayConfig config = RedisRelayConfig.fromSettings(name -> java.util.Optional.ofNullable(Map.of(
                "CHAT_REDIS_SENTINELS", sentinel.sentinelList(),
                "CHAT_REDIS_MASTER", RedisSentinelSetup.MASTER,
                "CHAT_REDIS_PREFIX", "test-" + UUID.randomUUID() + ":").get(name))).orElseThrow();
        return new RedisRelay(config, retention);
    }
}
