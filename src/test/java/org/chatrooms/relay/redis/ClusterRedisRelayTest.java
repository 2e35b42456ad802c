package org.chatrooms.relay.redis;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

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

    @Override
    protected Relay newRelay(StreamRetention retention) {
        Map<String, String> settings = Map.of("CHAT_REDIS_CLUSTER", cluster.seeds(),
                "CHAT_REDIS_PREFIX", "test-" + UUID.randomUUID() + ":");
        return new RedisRelay(RedisRelayConfig.fromSettings(name -> Optional.ofNullable(settings.get(name)))
                .orElseThrow(), retention);
    }
}
