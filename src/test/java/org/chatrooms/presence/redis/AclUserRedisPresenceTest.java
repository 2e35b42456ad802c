package org.chatrooms.presence.redis;

import java.util.List;

import org.chatrooms.relay.redis.RedisRelayConfig;
import org.chatrooms.testing.RedisServer;
import org.chatrooms.testing.RelayThreadCheck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import redis.clients.jedis.Jedis;

/**
 * {@link RedisPresenceTest}'s tests as the least-privilege ACL user that {@code docs/redis-relay.md} documents
 * (keys and channels under {@code test-} only): a command the presence scripts use and the list lacks fails here.
 */
class AclUserRedisPresenceTest extends RedisPresenceTest {

    private static RedisServer redis;

    /** Hides {@link RedisPresenceTest#startRedis}: this class's Redis has the ACL user. */
    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start(RedisServer.chatAclUser("chat", "chat-secret", "test-", "admin-secret"));
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
        RelayThreadCheck.assertNoneAlive();
    }

    @Override
    protected RedisRelayConfig config() {
        return RedisRelayConfig.parse(redis.url("chat", "chat-secret"), prefix);
    }

    @Override
    protected Jedis admin(String key) {
        return redis.admin();
    }

    @Override
    protected List<RedisServer> primaries() {
        return List.of(redis);
    }
}
