package org.chatrooms.relay.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.chatrooms.protocol.ChatMessage;
import org.chatrooms.protocol.ChatPost;
import org.chatrooms.relay.RelayListener;
import org.chatrooms.relay.StreamRetention;
import org.chatrooms.room.RoomName;
import org.chatrooms.testing.Eventually;
import org.chatrooms.testing.RedisClusterSetup;
import org.chatrooms.testing.RedisServer;
import org.chatrooms.testing.Stages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Not part of the build: relay throughput on one Redis (one shard, classic pub/sub) against a Cluster of three
 * primaries (sharded pub/sub). Two relays as two nodes, both joined to every room; both publish round robin over
 * the rooms as fast as their publisher threads take posts (at most {@value #IN_FLIGHT} waiting per node), and a
 * run ends when both nodes delivered every message. Prints messages per second; asserts nothing about speed.
 * {@code ./mvnw -B verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=ShardThroughputBench}
 */
@Timeout(600)
class ShardThroughputBench {

    private static final int ROOMS = 30;
    private static final int MESSAGES = 40_000;
    private static final int IN_FLIGHT = 2_000;

    @Test
    void oneShardAgainstThree() {
        try (RedisServer redis = RedisServer.start()) {
            run("1 shard (one redis-server, PUBLISH)", Map.of("CHAT_REDIS_URL", redis.url()));
        }
        try (RedisClusterSetup cluster = RedisClusterSetup.start()) {
            run("3 shards (Cluster, SPUBLISH)", Map.of("CHAT_REDIS_CLUSTER", cluster.seeds()));
        }
    }

    private static void run(String label, Map<String, String> mode) {
        Map<String, String> settings = new java.util.HashMap<>(mode);
        settings.put("CHAT_REDIS_PREFIX", "bench-" + UUID.randomUUID() + ":");
        RedisRelayConfig config = RedisRelayConfig.fromSettings(n -> Optional.ofNullable(settings.get(n))).orElseThrow();
        AtomicLong deliveredA = new AtomicLong();
        AtomicLong deliveredB = new AtomicLong();
        try (RedisRelay a = new RedisRelay(config, StreamRetention.DEFAULT);
             RedisRelay b = new RedisRelay(config, StreamRetention.DEFAULT)) {
            a.start(counting(deliveredA));
            b.start(counting(deliveredB));
            List<RoomName> rooms = new ArrayList<>();
            for (int i = 0; i < ROOMS; i++) {
                RoomName room = new RoomName("bench" + i);
                Stages.await(a.join(room));
                Stages.await(b.join(room));
                rooms.add(room);
            }
            Eventually.until("both ready", Duration.ofSeconds(10), () -> a.isReady() && b.isReady());
            for (int round = 0; round < 2; round++) { // the first round warms up the JIT and the connections
                deliveredA.set(0);
                deliveredB.set(0);
                AtomicLong refused = new AtomicLong();
                long start = System.nanoTime();
                Thread[] senders = {sender(a, rooms, refused), sender(b, rooms, refused)};
                for (Thread sender : senders) {
                    sender.start();
                }
                for (Thread sender : senders) {
                    try {
                        sender.join(TimeUnit.MINUTES.toMillis(5));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                long expected = 2L * MESSAGES - refused.get();
                Eventually.until("every message delivered on both nodes", Duration.ofMinutes(3),
                        () -> deliveredA.get() >= expected && deliveredB.get() >= expected);
                double seconds = (System.nanoTime() - start) / 1e9;
                if (round == 1) {
                    FailoverChat.log(String.format("%s: %d rooms, %d messages published by 2 nodes and delivered to both "
                                    + "in %.2f s: %.0f messages/s published, %.0f deliveries/s; %d refused",
                            label, ROOMS, expected, seconds, expected / seconds, 2 * expected / seconds, refused.get()));
                }
            }
        }
    }

    private static Thread sender(RedisRelay relay, List<RoomName> rooms, AtomicLong refused) {
        return new Thread(() -> {
            Semaphore window = new Semaphore(IN_FLIGHT);
            for (int i = 0; i < MESSAGES; i++) {
                window.acquireUninterruptibly();
                relay.publish(new ChatPost(rooms.get(i % rooms.size()), "bench", "message " + i))
                        .whenComplete((message, failure) -> {
                            if (failure != null) {
                                refused.incrementAndGet();
                            }
                            window.release();
                        });
            }
            window.acquireUninterruptibly(IN_FLIGHT);
        }, "bench-sender-" + relay.nodeId());
    }

    private static RelayListener counting(AtomicLong delivered) {
        return new RelayListener() {
            @Override
            public void onMessage(ChatMessage message) {
                delivered.incrementAndGet();
            }

            @Override
            public void onGap(RoomName room) {
            }
        };
    }
}
