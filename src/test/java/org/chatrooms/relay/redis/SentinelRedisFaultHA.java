package org.chatrooms.relay.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;

import org.chatrooms.dev.ChatServer;
import org.chatrooms.testing.ChatCluster;
import org.chatrooms.testing.Http;
import org.chatrooms.testing.LogCapture;
import org.chatrooms.testing.RedisDeployment;
import org.chatrooms.testing.RedisMode;
import org.chatrooms.testing.RedisSentinelSetup;
import org.junit.jupiter.api.Test;

/**
 * {@link RedisFaultIT}'s tests with the nodes in Sentinel mode; the one-server faults are skipped, saying why. And
 * sentinels with a password of their own ({@code CHAT_REDIS_SENTINEL_PASSWORD}), apart from the data nodes'.
 */
class SentinelRedisFaultHA extends RedisFaultIT {

    @Override
    protected RedisMode mode() {
        return RedisMode.SENTINEL;
    }

    /**
     * Sentinels with {@code requirepass} of their own in front of data nodes with another password: a node given
     * both chats; a node given the wrong sentinel password says so (not the data nodes' password) and is not ready.
     */
    @Test
    void sentinelsWithAPasswordOfTheirOwn() {
        RedisDeployment redis = closing(RedisDeployment.sentinel(RedisSentinelSetup.start(
                List.of("--requirepass", "data-secret"), Optional.of("sentinel-secret"))));
        LogCapture log = closing(LogCapture.of("org.chatrooms"));
        ChatCluster cluster = closing(new ChatCluster(redis));
        twoNodesChat(cluster, redis.credentials("", "data-secret"), redis.credentials("", "data-secret"));

        Map<String, String> wrong = new HashMap<>(redis.credentials("", "data-secret"));
        wrong.put("CHAT_REDIS_SENTINEL_PASSWORD", "not-the-sentinels-42");
        ChatServer refused = cluster.startNode(wrong);
        log.await("the sentinels' refusal is reported as theirs", Duration.ofSeconds(10),
                LogCapture.message(Level.SEVERE, "CHAT_REDIS_SENTINEL_PASSWORD must be the sentinels' own"));
        assertTrue(log.records().stream().noneMatch(record -> LogCapture.text(record).contains("not-the-sentinels-42")),
                "the password never appears in the log");
        assertEquals(503, Http.status(readyz(refused)));
    }
}
