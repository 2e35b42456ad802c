package org.chatrooms.relay.redis;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

import org.chatrooms.protocol.ChatPost;
import org.chatrooms.room.RoomName;
import org.chatrooms.testing.Eventually;
import org.chatrooms.testing.RecordingListener;
import org.chatrooms.testing.RedisServer;
import org.junit.jupiter.api.Test;

import org.chatrooms.relay.Relay;
import org.chatrooms.relay.RelayContractTest;
import org.chatrooms.relay.StreamRetention;
import org.chatrooms.testing.RedisClusterSetup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The relay contract for the Redis relay in Cluster mode ({@code CHAT_REDIS_CLUSTER}, sharded pub/sub), against a
 * cluster of three primaries and three replicas this class starts. Rooms are random names, so each test's rooms
 * land on any shard. Shards and failover: {@code RedisClusterFailoverTest}.
 */
class ClusterRedisRelayTest extends RelayContractTest {

    private static RedisClusterSetup cluster;

    @BeforeAll
    static void startCluster() {
        cluster = RedisClusterSetup.start();
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    /** As with one server: a node starts while Redis is away (here: no seed answers) and says it is not ready. */
    @Test
    void aNodeStartsWhileNoSeedAnswers() {
        String nowhere = "127.0.0.1:" + RedisServer.freePort() + ",127.0.0.1:" + RedisServer.freePort();
        Map<String, String> settings = Map.of("CHAT_REDIS_CLUSTER", nowhere);
        try (RedisRelay alone = new RedisRelay(RedisRelayConfig.fromSettings(
                name -> Optional.ofNullable(settings.get(name))).orElseThrow(), StreamRetention.DEFAULT)) {
            alone.start(new RecordingListener());
            RoomName room = freshRoom();
            CompletionStage<Void> joined = alone.join(room);
            assertUnavailable(alone.publish(new ChatPost(room, "ann", "nobody hears this")));
            Eventually.until("the node says it is not ready", Duration.ofSeconds(5), () -> !alone.isReady());
            assertFalse(joined.toCompletableFuture().isDone(), "the join waits for Redis");
        }
    }

    @Override
    protected Relay newRelay(StreamRetention retention) {
        Map<String, String> settings = Map.of("CHAT_REDIS_CLUSTER", cluster.seeds(),
                "CHAT_REDIS_PREFIX", "test-" + UUID.randomUUID() + ":");
        return new RedisRelay(RedisRelayConfig.fromSettings(name -> Optional.ofNullable(settings.get(name)))
                .orElseThrow(), retention);
    }
}
