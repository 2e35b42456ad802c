package org.chatrooms.relay.redis;

import java.util.UUID;

import org.chatrooms.relay.Relay;
import org.chatrooms.relay.RelayContractTest;
import org.chatrooms.relay.StreamRetention;
import org.chatrooms.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The whole relay contract (posts, history reads, resends) as the least-privilege ACL user that
 * {@code docs/redis-relay.md} documents: a command the scripts use and the list lacks fails here.
 */
class AclUserRedisRelayTest extends RelayContractTest {

    private static final String PREFIX = "acl-";
    private static RedisServer redis;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start(RedisServer.chatAclUser("chat", "chat-secret", PREFIX, "admin-secret"));
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Override
    protected Relay newRelay(StreamRetention retention) {
        return new RedisRelay(RedisRelayConfig.parse(redis.url("chat", "chat-secret"), PREFIX + UUID.randomUUID() + ":"),
                retention);
    }
}
