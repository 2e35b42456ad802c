package org.chatrooms.relay.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.chatrooms.protocol.ChatMessage;
import org.chatrooms.protocol.ChatPost;
import org.chatrooms.relay.RelayUnavailableException;
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
 * A room's slot migrated to another shard mid-chat (as {@code redis-cli --cluster reshard} does it, keys and all):
 * Redis takes the sharded subscriptions away ({@code sunsubscribe}), the nodes follow the slot to its new primary,
 * and chat goes on there; every post acknowledged or refused to its sender, nothing twice, no position reused.
 */
@Timeout(120)
class RedisClusterSlotMigrationIT {

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
    void aMigratedSlotsRoomFollowsItToTheNewShard() {
        Moving moving = twoNodesIn(new RoomName("moving"));
        RoomName room = moving.room();
        String channel = moving.channel();
        int slot = moving.slot();
        RedisServer source = moving.source();
        RedisServer target = moving.target();
        chat.start();
        long started = System.nanoTime();
        chat.awaitAcknowledged(room, started, 30, Duration.ofSeconds(10));

        long moved = System.nanoTime();
        cluster.migrateSlot(slot, target);
        long migrated = System.nanoTime();
        chat.awaitAcknowledged(room, migrated, 30, Duration.ofSeconds(15));
        try (Jedis onSource = source.admin(); Jedis onTarget = target.admin()) {
            Eventually.until("both nodes subscribed on the new shard", Duration.ofSeconds(10),
                    () -> onTarget.pubsubShardNumSub(channel).get(channel) == 2);
            assertEquals(0L, onSource.pubsubShardNumSub(channel).get(channel), "nothing left on the old shard");
        }
        FailoverChat.Summary summary = chat.stopAndCheck(Duration.ofSeconds(20));
        Duration pause = chat.longestPause(room, started);
        FailoverChat.log(String.format("Cluster: slot %d of room %s migrated from %d to %d in %d ms; longest pause "
                        + "between acknowledged posts %d ms; %s", slot, room, source.port(), target.port(),
                (migrated - moved) / 1_000_000, pause.toMillis(), summary));
        assertTrue(pause.compareTo(Duration.ofSeconds(5)) <= 0, "paused " + pause.toMillis() + " ms");
    }

    /**
     * While a slot migrates and its keys have left, its old owner answers the room's posts with {@code ASK}: the
     * post is refused at once with the reason (the importing primary has no subscriber yet, so following ASK would
     * reach nobody), and once the slot's move is complete the room's posts reach both nodes again.
     */
    @Test
    void aPostWhileTheSlotMigratesIsRefusedThenTheRoomGoesOn() {
        Moving moving = twoNodesIn(new RoomName("asking"));
        RoomName room = moving.room();
        int slot = moving.slot();
        RedisServer target = moving.target();
        FailoverChat.Node a = moving.a();
        FailoverChat.Node b = moving.b();
        Stages.await(a.relay.publish(new ChatPost(room, "ann", "before")));
        awaitDelivered(List.of(a, b), room, "before");

        cluster.beginMigration(slot, target);
        RelayUnavailableException refused = Stages.assertFailsWith(RelayUnavailableException.class,
                a.relay.publish(new ChatPost(room, "ann", "during")));
        assertTrue(refused.getMessage().contains("moving to another Redis shard"), refused.toString());
        cluster.finishMigration(slot, target);

        Eventually.until("a post after the move is accepted", Duration.ofSeconds(15), () -> {
            try {
                Stages.await(a.relay.publish(new ChatPost(room, "ann", "after")));
                return true;
            } catch (AssertionError notYet) {
                return false; // still re-subscribing on the new owner
            }
        });
        awaitDelivered(List.of(a, b), room, "after");
        for (FailoverChat.Node node : List.of(a, b)) {
            assertTrue(!texts(node, room).contains("during"), node.name + " never got the refused post");
        }
    }

    /** Two nodes joined to {@code room} on a fresh cluster, and the primary its slot will move to. */
    private Moving twoNodesIn(RoomName room) {
        cluster = RedisClusterSetup.start();
        String prefix = "it-" + UUID.randomUUID() + ":";
        RedisRelayConfig config = FailoverChat.clusterConfig(cluster, prefix);
        FailoverChat.Node a = new FailoverChat.Node("a", config);
        FailoverChat.Node b = new FailoverChat.Node("b", config);
        String channel = prefix + "room:{" + room + "}";
        int slot = cluster.slotOf(channel);
        RedisServer source = cluster.ownerOf(slot);
        RedisServer target = cluster.primaries().stream().filter(p -> p != source).findFirst().orElseThrow();
        chat = new FailoverChat(List.of(a, b), List.of(room));
        Stages.await(a.relay.join(room));
        Stages.await(b.relay.join(room));
        return new Moving(room, channel, slot, source, target, a, b);
    }

    private record Moving(RoomName room, String channel, int slot, RedisServer source, RedisServer target,
                          FailoverChat.Node a, FailoverChat.Node b) {
    }

    private static void awaitDelivered(List<FailoverChat.Node> nodes, RoomName room, String text) {
        for (FailoverChat.Node node : nodes) {
            Eventually.until(node.name + " gets \"" + text + "\"", Duration.ofSeconds(15),
                    () -> texts(node, room).contains(text));
        }
    }

    private static List<String> texts(FailoverChat.Node node, RoomName room) {
        List<ChatMessage> delivered = node.delivered.getOrDefault(room, List.of());
        synchronized (delivered) {
            return delivered.stream().map(ChatMessage::text).toList();
        }
    }
}
