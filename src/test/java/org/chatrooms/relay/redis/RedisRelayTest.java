package org.chatrooms.relay.redis;

import java.util.UUID;

import org.chatrooms.relay.Relay;
import org.chatrooms.relay.StreamRetention;
import org.chatrooms.relay.RelayContractTest;
import org.chatrooms.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The relay contract for the Redis relay, against a real redis-server this class starts (it takes a few
 * milliseconds, so this runs with the unit tests). Each relay gets its own key prefix.
 */
class RedisRelayTest extends RelayContractTest {

    private static RedisServer redis;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Override
    protected Relay newRelay(StreamRetention retention) {
        return new RedisRelay(RedisRelayConfig.parse(redis.url(), "test-" + UUID.randomUUID() + ":"), retention);
    }
}
