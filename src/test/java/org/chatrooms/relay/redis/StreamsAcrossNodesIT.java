package org.chatrooms.relay.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.IntStream;

import jakarta.json.JsonObject;

import org.chatrooms.dev.ChatServer;
import org.chatrooms.testing.ChatClient;
import org.chatrooms.testing.ChatCluster;
import org.chatrooms.testing.Eventually;
import org.chatrooms.testing.Http;
import org.chatrooms.testing.LogCapture;
import org.chatrooms.testing.NodeProcess;
import org.chatrooms.testing.RedisDeployment;
import org.chatrooms.testing.RedisMode;
import org.chatrooms.testing.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Rooms as streams across nodes sharing one Redis: the same history on every node, clients of a killed node
 * resuming on a survivor without loss or repeat, and a Redis that went back to an older snapshot losing nothing
 * that is posted afterwards. One redis-server here; {@link SentinelStreamsAcrossNodesHA} and
 * {@link ClusterStreamsAcrossNodesHA} run the same tests in the other two modes (the snapshot one excepted).
 */
@Timeout(180)
class StreamsAcrossNodesIT {

    private static final Logger LOG = Logger.getLogger(StreamsAcrossNodesIT.class.getName());

    /** The Redis mode of the nodes; the {@code *HA} subclasses name the other two. */
    protected RedisMode mode() {
        return RedisMode.STANDALONE;
    }

    @Test
    void aLateJoinerOnEitherNodeGetsTheSameHistory() throws Exception {
        try (RedisDeployment redis = mode().start();
             ChatCluster cluster = new ChatCluster(redis)) {
            ChatServer one = cluster.startNode();
            ChatServer two = cluster.startNode();
            try (ChatClient ann = ChatClient.join(one.wsBase(), "2330")) {
                List<String> sent = say(ann, "m", 1, 6);
                try (ChatClient bob = ChatClient.join(two.wsBase(), "2330");
                     ChatClient carol = ChatClient.join(one.wsBase(), "2330")) {
                    assertEquals(sent, bob.historyTexts(), "the other node");
                    assertEquals(sent, carol.historyTexts(), "the sender's node");
                    assertEquals(bob.start(), carol.start(), "the same frames, positions included");
                }
            }
        }
    }

    /**
     * A node dies with SIGKILL while a sender keeps sending through another node; its clients reconnect to the
     * survivor with their last position and end up with every message, in order, none twice.
     */
    @Test
    void clientsOfAKilledNodeResumeOnASurvivorWithoutLossOrRepeat() throws Exception {
        int clients = 3;
        try (RedisDeployment redis = mode().start();
             ChatCluster cluster = new ChatCluster(redis)) {
            ChatServer survivor = cluster.startNode();
            try (NodeProcess doomed = NodeProcess.start(cluster.environment());
                 ChatClient ann = ChatClient.join(survivor.wsBase(), "2330")) {
                List<ChatClient> victims = new ArrayList<>();
                List<List<String>> seen = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    victims.add(ChatClient.join(doomed.wsBase(), "2330"));
                    seen.add(new ArrayList<>());
                }
                List<String> expected = new ArrayList<>(say(ann, "m", 1, 15));
                List<JsonObject> last = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    JsonObject frame = null;
                    for (int m = 0; m < 15; m++) {
                        frame = victims.get(i).nextChat();
                        seen.get(i).add(frame.getString("message"));
                    }
                    last.add(frame);
                }
                doomed.kill();
                expected.addAll(say(ann, "m", 16, 30)); // while the victims find out and reconnect
                List<ChatClient> resumed = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    assertNotEquals(1000, victims.get(i).awaitClose().code(), "the dead node's socket just drops");
                    ChatClient back = ChatClient.resume(survivor.wsBase(), "2330", last.get(i));
                    assertTrue(back.start().stream().noneMatch(frame -> "gap".equals(frame.getString("type"))),
                            "everything missed is still held: no gap notice");
                    seen.get(i).addAll(back.historyTexts());
                    resumed.add(back);
                }
                expected.addAll(say(ann, "m", 31, 45));
                int lost = 0;
                for (int i = 0; i < clients; i++) {
                    ChatClient back = resumed.get(i);
                    while (!seen.get(i).contains("m45")) {
                        seen.get(i).add(back.nextChat().getString("message"));
                    }
                    List<String> mine = seen.get(i);
                    lost += (int) expected.stream().filter(text -> !mine.contains(text)).count();
                    assertEquals(expected, seen.get(i), "client " + i + ": every message, in order, once");
                    back.close();
                }
                int totalLost = lost;
                LOG.info(() -> "Node kill: " + totalLost + " messages lost over " + clients + " resumed clients");
            }
        }
    }

    /**
     * Redis restarts from a dump taken at id 3 after the nodes saw id 7: the restored counter would hand out 4, 5, 6
     * again. Every message posted afterwards must reach every socket, and no (epoch, id) may name two messages.
     * One server only: in Sentinel and Cluster mode a stream goes back in time when a lagging replica is promoted,
     * which {@link RedisSentinelFailoverIT} and {@link RedisClusterFailoverIT} cover.
     */
    @Test
    void aRedisRestoredFromAnOlderSnapshotLosesNothingPostedAfterwards() throws Exception {
        assumeTrue(mode() == RedisMode.STANDALONE, "restarting one redis-server from an older dump is a one-server "
                + "fault; Sentinel and Cluster roll back through a failover (Redis*FailoverIT)");
        Path dir = Files.createTempDirectory(Path.of("target"), "redis-snapshot-");
        try (RedisServer redis = RedisServer.start(List.of("--dir", dir.toAbsolutePath().toString(),
                "--dbfilename", "chat.rdb"));
             ChatCluster cluster = new ChatCluster(redis);
             LogCapture log = LogCapture.of("org.chatrooms.relay.redis")) {
            ChatServer one = cluster.startNode();
            ChatServer two = cluster.startNode();
            try (ChatClient ann = ChatClient.join(one.wsBase(), "2330");
                 ChatClient bob = ChatClient.join(two.wsBase(), "2330")) {
                List<JsonObject> annSaw = new ArrayList<>();
                List<JsonObject> bobSaw = new ArrayList<>();
                for (int i = 1; i <= 7; i++) {
                    ann.say("before " + i);
                    annSaw.add(ann.nextChat());
                    bobSaw.add(bob.nextChat());
                    if (i == 3) {
                        try (var admin = redis.admin()) {
                            admin.save();
                        }
                    }
                }
                assertEquals(7, annSaw.get(6).getInt("id"));

                redis.kill();
                redis.restart(); // loads chat.rdb: the room's stream as it was at id 3
                for (ChatServer node : List.of(one, two)) {
                    Eventually.until("ready again", Duration.ofSeconds(15),
                            () -> Http.status(node.httpBase().resolve("readyz")) == 200);
                }
                ChatServer three = cluster.startNode();
                try (ChatClient carol = ChatClient.join(three.wsBase(), "2330")) {
                    List<JsonObject> carolSaw = new ArrayList<>();
                    for (int i = 1; i <= 3; i++) {
                        String text = "after " + i;
                        sayUntilDelivered(carol, text, carolSaw);
                        readUntil(ann, text, annSaw);
                        readUntil(bob, text, bobSaw);
                    }
                    for (List<JsonObject> saw : List.of(annSaw, bobSaw, carolSaw)) {
                        assertOnePositionPerMessage(saw);
                        List<String> texts = saw.stream().map(frame -> frame.getString("message")).toList();
                        assertTrue(texts.containsAll(List.of("after 1", "after 2", "after 3")), texts.toString());
                    }
                    assertNotEquals(annSaw.get(0).getString("epoch"), carolSaw.get(0).getString("epoch"),
                            "the room moved to a new epoch");
                }
                log.await("the rollback is logged", Duration.ofSeconds(10),
                        LogCapture.message(Level.WARNING, "new epoch"));
            }
        }
    }

    private static void assertOnePositionPerMessage(List<JsonObject> frames) {
        Map<String, String> byPosition = new HashMap<>();
        for (JsonObject frame : frames) {
            String position = frame.getString("epoch") + ":" + frame.getInt("id");
            String text = frame.getString("message");
            String earlier = byPosition.putIfAbsent(position, text);
            assertTrue(earlier == null || earlier.equals(text),
                    "position " + position + " names two messages: " + earlier + " and " + text);
        }
    }

    /** Sends until the echo arrives (the node may still be reconnecting and answer not_delivered). */
    private static void sayUntilDelivered(ChatClient client, String text, List<JsonObject> saw) {
        Eventually.until(text + " delivered", Duration.ofSeconds(15), () -> {
            client.say(text);
            while (true) {
                JsonObject frame = client.next();
                if ("error".equals(frame.getString("type"))) {
                    assertEquals("not_delivered", frame.getString("code"), frame.toString());
                    return false;
                }
                if ("chat.message".equals(frame.getString("type"))) {
                    saw.add(frame);
                    if (text.equals(frame.getString("message"))) {
                        return true;
                    }
                }
            }
        });
    }

    /** Reads chat messages (skipping gap notices) until {@code text}. */
    private static void readUntil(ChatClient client, String text, List<JsonObject> saw) {
        while (true) {
            JsonObject frame = client.next();
            if ("chat.message".equals(frame.getString("type"))) {
                saw.add(frame);
                if (text.equals(frame.getString("message"))) {
                    return;
                }
            }
        }
    }

    /**
     * Ann's socket to one node dropped before her echo came; her page reconnects to the other node and resends,
     * marked as a resend: the room, whose history is in Redis, takes it once.
     */
    @Test
    void aResendThroughTheOtherNodeIsNotPostedTwice() throws Exception {
        try (RedisDeployment redis = mode().start();
             ChatCluster cluster = new ChatCluster(redis)) {
            ChatServer one = cluster.startNode();
            ChatServer two = cluster.startNode();
            try (ChatClient bob = ChatClient.join(two.wsBase(), "2330")) {
                try (ChatClient ann = ChatClient.join(one.wsBase(), "2330", "ann")) {
                    ann.post("hi", "ann-1", false);
                    assertEquals("hi", awaitNextChat(bob).getString("message"));
                }
                try (ChatClient annAgain = ChatClient.join(two.wsBase(), "2330", "ann")) {
                    assertEquals(List.of("hi"), annAgain.historyTexts(), "the original, which the page then shows");
                    annAgain.post("hi", "ann-1", true);
                    annAgain.post("after", "ann-2", true);
                    assertEquals("after", awaitNextChat(bob).getString("message"), "the repeat reached nobody");
                    assertEquals("after", awaitNextChat(annAgain).getString("message"), "and its sender no error");
                }
            }
        }
    }

    /** The next chat message, skipping presence frames; fails on an error frame. */
    private static JsonObject awaitNextChat(ChatClient client) {
        while (true) {
            JsonObject frame = client.next();
            assertNotEquals("error", frame.getString("type", null), "error frame " + frame);
            if ("chat.message".equals(frame.getString("type", null))) {
                return frame;
            }
        }
    }


    /** Sends {@code prefix from .. prefix to}, each after the previous one's echo; returns the texts. */
    private static List<String> say(ChatClient client, String prefix, int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(i -> {
            String text = prefix + i;
            client.say(text);
            assertEquals(text, client.nextChat().getString("message"));
            return text;
        }).toList();
    }
}
