package org.chatrooms.relay.redis;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

import org.chatrooms.protocol.ChatPost;
import org.chatrooms.room.RoomName;
import org.chatrooms.testing.RecordingListener;
import org.chatrooms.testing.RedisServer;
import org.junit.jupiter.api.Test;

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

    /** As with one server: a node starts while Redis is away (here: no sentinel answers) and says it is not ready. */
    @Test
    void aNodeStartsWhileNoSentinelAnswers() {
        String nowhere = "127.0.0.1:" + RedisServer.freePort() + ",127.0.0.1:" + RedisServer.freePort();
        Map<String, String> settings = Map.of("CHAT_REDIS_SENTINELS", nowhere, "CHAT_REDIS_MASTER", "nobody");
        try (RedisRelay alone = new RedisRelay(RedisRelayConfig.fromSettings(
                name -> Optional.ofNullable(settings.get(name))).orElseThrow(), StreamRetention.DEFAULT)) {
            alone.start(new RecordingListener());
            RoomName room = freshRoom();
            CompletionStage<Void> joined = alone.join(room);
            assertFalse(alone.isReady());
            assertUnavailable(alone.publish(new ChatPost(room, "ann", "nobody hears this")));
            assertFalse(joined.toCompletableFuture().isDone(), "the join waits for Redis");
        }
    }

    @Override
    protected Relay newRelay(StreamRetention retention) {
        RedisRelayConfig config = RedisRelayConfig.fromSettings(name -> Optional.ofNullable(Map.of(
                "CHAT_REDIS_SENTINELS", sentinel.sentinelList(),
                "CHAT_REDIS_MASTER", RedisSentinelSetup.MASTER,
                "CHAT_REDIS_PREFIX", "test-" + UUID.randomUUID() + ":").get(name))).orElseThrow();
        return new RedisRelay(config, retention);
    }
}
