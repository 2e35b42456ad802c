package org.chatrooms.relay.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.UUID;

import org.chatrooms.room.RoomName;
import org.chatrooms.testing.Eventually;
import org.chatrooms.testing.RedisClusterSetup;
import org.chatrooms.testing.RedisServer;
import org.chatrooms.testing.RelayThreadCheck;
import org.chatrooms.testing.Stages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import redis.clients.jedis.Jedis;

/**
 * Redis Cluster with sharded pub/sub under chat: three primaries and three replicas, two nodes (relays with
 * production clocks), one room on each shard (checked with CLUSTER KEYSLOT) plus one room only node a hosts.
 * Checks that each room is subscribed only on its shard and only by the nodes hosting it (PUBSUB SHARDNUMSUB on
 * every primary), then kills one primary with SIGKILL: its room resumes after the replica's promotion, the other
 * shards' rooms never pause. Prints the pauses.
 */
@Timeout(180)
class RedisClusterFailoverIT {

    /** A chat's ordinary rhythm: posts every 10 ms round robin, acknowledged within a few tens of ms. */
    private static final Duration NO_PAUSE = Duration.ofMillis(1000);
    /** cluster-node-timeout (1 s) + the replica's election + the relay's re-route and reconnect. */
    private static final Duration RESUME_WITHIN = Duration.ofMillis(RedisClusterSetup.NODE_TIMEOUT_MILLIS)
            .plusSeconds(8);

    private RedisClusterSetup cluster;
    private FailoverChat chat;

    @AfterEach
    void stop() {
        if (chat != null) {
            chat.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        RelayThreadCheck.assertNoneAlive();
    }

    @Test
    void roomsLiveOnTheirShardsAndOnlyTheKilledShardsRoomPauses() {
        cluster = RedisClusterSetup.start();
        String prefix = "it-" + UUID.randomUUID() + ":";
        RedisRelayConfig config = FailoverChat.clusterConfig(cluster, prefix);
        FailoverChat.Node a = new FailoverChat.Node("a", config);
        FailoverChat.Node b = new FailoverChat.Node("b", config);

        // One room per primary, found by the slot of its hash tag.
        Map<Integer, RoomName> roomByPrimary = new LinkedHashMap<>();
        Map<RoomName, RedisServer> owner = new LinkedHashMap<>();
        for (int i = 0; roomByPrimary.size() < 3 && i < 1000; i++) {
            RoomName room = new RoomName("room" + i);
            RedisServer server = cluster.ownerOf(cluster.slotOf(channel(prefix, room)));
            assertEquals(cluster.slotOf(channel(prefix, room)), cluster.slotOf(prefix + "room:{" + room + "}:stream"),
                    "a room's channel and keys share one slot");
            if (roomByPrimary.putIfAbsent(server.port(), room) == null) {
                owner.put(room, server);
            }
        }
        assertEquals(3, roomByPrimary.size(), "a room on each of the three shards");
        List<RoomName> rooms = new ArrayList<>(roomByPrimary.values());
        for (RoomName room : rooms) {
            Stages.await(a.relay.join(room));
            Stages.await(b.relay.join(room));
        }
        RoomName onlyA = new RoomName("only_a_" + UUID.randomUUID().toString().replace("-", "").substring(0, 6));
        Stages.await(a.relay.join(onlyA));

        // Each room subscribed on its own shard only, by the nodes hosting it.
        List<RoomName> all = new ArrayList<>(rooms);
        all.add(onlyA);
        RedisServer onlyAOwner = cluster.ownerOf(cluster.slotOf(channel(prefix, onlyA)));
        for (RedisServer primary : cluster.primaries()) {
            try (Jedis admin = primary.admin()) {
                for (RoomName room : all) {
                    String channel = channel(prefix, room);
                    RedisServer home = room.equals(onlyA) ? onlyAOwner : owner.get(room);
                    long expected = primary.port() != home.port() ? 0 : room.equals(onlyA) ? 1 : 2;
                    assertEquals(expected, admin.pubsubShardNumSub(channel).get(channel),
                            "SHARDNUMSUB of " + room + " on " + primary.port());
                    assertEquals(0L, admin.pubsubNumSub(channel).get(channel), "no classic subscription");
                }
            }
        }
        FailoverChat.log("Cluster: rooms " + rooms + " on primaries " + roomByPrimary.keySet()
                + "; PUBSUB SHARDNUMSUB: 2 on each room's own shard, 0 elsewhere; room " + onlyA + " 1 (node a only)");

        chat = new FailoverChat(List.of(a, b), rooms);
        chat.start();
        long started = System.nanoTime();
        for (RoomName room : rooms) {
            chat.awaitAcknowledged(room, started, 30, Duration.ofSeconds(10));
        }

        // Readiness while one shard is down: both nodes host rooms on the other shards, so they stay ready.
        java.util.concurrent.atomic.AtomicLong unreadySamples = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong samples = new java.util.concurrent.atomic.AtomicLong();
        Thread readiness = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                samples.incrementAndGet();
                if (!a.relay.isReady() || !b.relay.isReady()) {
                    unreadySamples.incrementAndGet();
                }
                try {
                    java.util.concurrent.TimeUnit.MILLISECONDS.sleep(10); // sampling rate
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "readiness-sampler");
        readiness.start();

        RoomName victim = rooms.get(0);
        RedisServer dead = owner.get(victim);
        int slot = cluster.slotOf(channel(prefix, victim));
        long killed = System.nanoTime();
        dead.kill();
        cluster.awaitNewOwner(slot, dead, Duration.ofSeconds(30));
        long promotedAt = System.nanoTime();
        chat.awaitAcknowledged(victim, promotedAt, 30, RESUME_WITHIN.plusSeconds(10));
        for (RoomName room : rooms) {
            chat.awaitAcknowledged(room, promotedAt, 30, Duration.ofSeconds(10));
        }
        long resumed = chat.firstAcknowledgedAfter(victim, killed);
        readiness.interrupt();
        try {
            readiness.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Eventually.until("both nodes ready again", Duration.ofSeconds(10),
                () -> a.relay.isReady() && b.relay.isReady());
        FailoverChat.Summary summary = chat.stopAndCheck(Duration.ofSeconds(20));

        StringBuilder pauses = new StringBuilder();
        for (RoomName room : rooms) {
            pauses.append(room).append(room.equals(victim) ? " (killed shard) " : " ")
                    .append(chat.longestPause(room, started).toMillis()).append(" ms; ");
        }
        FailoverChat.log(String.format("Cluster: primary %d killed; a replica serves slot %d after %d ms; the "
                        + "killed shard's room acknowledged again for posts sent %d ms after the kill; longest pauses: %s%s",
                dead.port(), slot, (promotedAt - killed) / 1_000_000, (resumed - killed) / 1_000_000, pauses, summary)
                + "; readiness sampled " + samples.get() + " times during the outage, not ready " + unreadySamples.get());
        assertEquals(0, unreadySamples.get(), "a node stays ready while only one of its shards is down");
        assertTrue(chat.longestPause(victim, started).compareTo(RESUME_WITHIN) <= 0, "the killed shard's room paused "
                + chat.longestPause(victim, started).toMillis() + " ms");
        for (RoomName room : rooms.subList(1, rooms.size())) {
            Duration pause = chat.longestPause(room, started);
            assertTrue(pause.compareTo(NO_PAUSE) <= 0, "room " + room + " on a live shard paused " + pause.toMillis()
                    + " ms");
        }
    }

    private static String channel(String prefix, RoomName room) {
        return prefix + "room:{" + room + "}";
    }
}
