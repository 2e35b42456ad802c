package org.chatrooms.relay.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisDataException;

/** {@link RedisProblems}: refusals name the settings of the mode they happened in, wherever Jedis put them. */
class RedisProblemsTest {

    private static final RedisRelayConfig ONE_SERVER = config(Map.of("CHAT_REDIS_URL", "redis://h:1"));
    private static final RedisRelayConfig CLUSTER = config(Map.of("CHAT_REDIS_CLUSTER", "a:1"));
    private static final RedisRelayConfig SENTINEL = config(Map.of("CHAT_REDIS_SENTINELS", "s:1",
            "CHAT_REDIS_MASTER", "m"));

    @Test
    void aWrongPasswordNamesTheSettingsOfTheMode() {
        JedisAccessControlException wrong = new JedisAccessControlException("WRONGPASS invalid username-password pair");
        assertEquals("Redis refused the user name or password in CHAT_REDIS_URL (" + wrong.getMessage() + ")",
                RedisProblems.describe(wrong, ONE_SERVER));
        assertEquals("Redis refused the user name or password in CHAT_REDIS_USER / CHAT_REDIS_PASSWORD ("
                + wrong.getMessage() + ")", RedisProblems.describe(wrong, SENTINEL));
        JedisDataException missing = new JedisDataException("NOAUTH Authentication required.");
        assertTrue(RedisProblems.describe(missing, CLUSTER).contains("CHAT_REDIS_PASSWORD is not set"));
    }

    /** Jedis's Cluster client tries every seed and keeps each refusal as a suppressed exception. */
    @Test
    void aClusterSlotRefreshRefusedByEverySeedIsAConfigurationError() {
        JedisClusterOperationException failed = new JedisClusterOperationException(
                "Could not initialize cluster slots cache.");
        failed.addSuppressed(new JedisAccessControlException("WRONGPASS invalid username-password pair"));
        assertTrue(RedisProblems.isConfigurationError(failed));
        assertTrue(RedisProblems.describe(failed, CLUSTER).startsWith(
                "Redis refused the user name or password in CHAT_REDIS_USER / CHAT_REDIS_PASSWORD (WRONGPASS"),
                RedisProblems.describe(failed, CLUSTER));
    }

    @Test
    void aSentinelsRefusalIsTheSentinelsNotTheDataNodes() {
        RedisProblems.SentinelRefusal refusal = new RedisProblems.SentinelRefusal("s:1",
                new JedisDataException("NOAUTH Authentication required."));
        assertTrue(RedisProblems.isConfigurationError(refusal));
        assertEquals("sentinel s:1 refused the relay (NOAUTH Authentication required.): CHAT_REDIS_SENTINEL_PASSWORD "
                + "must be the sentinels' own requirepass", RedisProblems.describe(refusal, SENTINEL));
    }

    private static RedisRelayConfig config(Map<String, String> settings) {
        return RedisRelayConfig.fromSettings(name -> Optional.ofNullable(settings.get(name))).orElseThrow();
    }
}
