package org.chatrooms.relay.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import jakarta.json.JsonObject;

import org.chatrooms.dev.ChatServer;
import org.chatrooms.testing.ChatClient;
import org.chatrooms.testing.ChatCluster;
import org.chatrooms.testing.Eventually;
import org.chatrooms.testing.NodeProcess;
import org.chatrooms.testing.RedisDeployment;
import org.chatrooms.testing.RedisMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;


/**
 * Several nodes of the built WAR (embedded Tomcats) sharing one real Redis: one conversation across nodes, in one
 * order, each message once, rooms apart, and a node only hearing the rooms it hosts. Runs against one
 * redis-server; {@link SentinelCrossNodeChatHA} and {@link ClusterCrossNodeChatHA} run the same tests in the
 * other two modes. The tests share the class's Redis, each with nodes under a prefix of its own.
 */
@Timeout(120)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrossNodeChatIT {

    private RedisDeployment redis;
    private ChatCluster cluster;

    /** The Redis mode of the nodes; the {@code *HA} subclasses name the other two. */
    protected RedisMode mode() {
        return RedisMode.STANDALONE;
    }

    @BeforeAll
    void startRedis() {
        redis = mode().start();
    }

    @AfterAll
    void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    @BeforeEach
    void start() {
        cluster = new ChatCluster(redis);
    }

    @AfterEach
    void stop() throws Exception {
        cluster.close();
    }

    @Test
    void messagesCrossNodesBothWays() {
        ChatServer one = cluster.startNode();
        ChatServer two = cluster.startNode();
        try (ChatClient ann = ChatClient.join(one.wsBase(), "2330");
             ChatClient bob = ChatClient.join(two.wsBase(), "2330")) {
            cluster.awaitSubscribers("2330", 2);
            ann.say("hello from one");
            JsonObject annSees = ann.nextChat();
            JsonObject bobSees = bob.nextChat();
            assertEquals("hello from one", bobSees.getString("message"));
            assertEquals(annSees, bobSees, "same frame, id and time on both nodes");

            bob.say("hello from two");
            assertEquals("hello from two", ann.nextChat().getString("message"));
            JsonObject echo = bob.nextChat();
            assertEquals(annSees.getInt("id") + 1, echo.getInt("id"));
        }
    }

    /**
     * The handshake's 101 is all a client knows: from then on, messages sent from another node must reach the new
     * socket, so its node must already be subscribed to the room in Redis (Django Channels joins the group before
     * accepting; we hold the room during the handshake). Fresh rooms each time, so every handshake subscribes.
     */
    @Test
    void aNodeIsSubscribedToTheRoomWhenTheHandshakeCompletes() throws Exception {
        ChatServer one = cluster.startNode();
        ChatServer two = cluster.startNode();
        for (int i = 0; i < 20; i++) {
            String room = "fresh_" + i;
            String channel = cluster.channel(room);
            try (ChatClient sender = ChatClient.join(one.wsBase(), room);
                 ChatClient newcomer = ChatClient.connectAsync(two.wsBase().resolve("ws/chat/" + room + "/"),
                         "http://127.0.0.1").get(10, TimeUnit.SECONDS)) {
                assertEquals(2L, redis.subscribers(channel), "subscribers of " + room);
                sender.say("right after your handshake " + i);
                assertEquals("right after your handshake " + i, newcomer.nextChat().getString("message"));
            }
        }
    }

    @Test
    void aThousandMessagesFromOneSenderReachEveryNodeCompleteInOrderOnce() {
        List<ChatServer> nodes = List.of(cluster.startNode(), cluster.startNode(), cluster.startNode());
        try (ChatClient sender = ChatClient.join(nodes.get(0).wsBase(), "lobby");
             ChatClient onOne = ChatClient.join(nodes.get(0).wsBase(), "lobby");
             ChatClient onTwo = ChatClient.join(nodes.get(1).wsBase(), "lobby");
             ChatClient onThree = ChatClient.join(nodes.get(2).wsBase(), "lobby")) {
            cluster.awaitSubscribers("lobby", 3);
            for (int i = 0; i < 1000; i++) {
                sender.say("m" + i);
            }
            sender.say("end");
            for (ChatClient client : List.of(sender, onOne, onTwo, onThree)) {
                long firstId = -1;
                for (int i = 0; i < 1000; i++) {
                    JsonObject frame = client.nextChat();
                    assertEquals("m" + i, frame.getString("message"));
                    if (firstId < 0) {
                        firstId = frame.getInt("id");
                    }
                    assertEquals(firstId + i, frame.getInt("id"), "ids consecutive");
                }
                assertEquals("end", client.nextChat().getString("message"), "nothing twice, nothing extra");
            }
        }
    }

    @Test
    void roomsStayApartAcrossNodes() {
        ChatServer one = cluster.startNode();
        ChatServer two = cluster.startNode();
        try (ChatClient redOnOne = ChatClient.join(one.wsBase(), "red");
             ChatClient redOnTwo = ChatClient.join(two.wsBase(), "red");
             ChatClient blueOnOne = ChatClient.join(one.wsBase(), "blue");
             ChatClient blueOnTwo = ChatClient.join(two.wsBase(), "blue")) {
            cluster.awaitSubscribers("red", 2);
            cluster.awaitSubscribers("blue", 2);
            redOnOne.say("red 1");
            blueOnTwo.say("blue 1");
            for (ChatClient red : List.of(redOnOne, redOnTwo)) {
                assertEquals("red 1", red.nextChat().getString("message"));
            }
            redOnTwo.say("red 2");
            for (ChatClient red : List.of(redOnOne, redOnTwo)) {
                assertEquals("red 2", red.nextChat().getString("message"));
            }
            for (ChatClient blue : List.of(blueOnOne, blueOnTwo)) {
                assertEquals("blue 1", blue.nextChat().getString("message"));
            }
            blueOnOne.say("blue 2");
            assertEquals("blue 2", blueOnTwo.nextChat().getString("message"));
            assertEquals(List.of(), redOnOne.pending(), "no blue message reached a red socket");
            assertEquals(List.of(), redOnTwo.pending());
        }
    }

    @Test
    void aNodeHearsOnlyTheRoomsItHosts() {
        ChatServer one = cluster.startNode();
        ChatServer two = cluster.startNode();
        try (ChatClient onOne = ChatClient.join(one.wsBase(), "here");
             ChatClient onTwo = ChatClient.join(two.wsBase(), "there")) {
            // The handshake completes before the endpoint's onOpen has subscribed; messages wait for onOpen.
            Eventually.value("both rooms subscribed", Duration.ofSeconds(10),
                    () -> redis.channels(cluster.prefix() + "room:*"),
                    Set.of(cluster.channel("here"), cluster.channel("there"))::equals);
            assertEquals(1L, redis.subscribers(cluster.channel("here")), "only node one subscribes to its room");
            assertEquals(1L, redis.subscribers(cluster.channel("there")));

            onTwo.close();
            Eventually.until("node two unsubscribed the room it no longer hosts", Duration.ofSeconds(10),
                    () -> redis.subscribers(cluster.channel("there")) == 0L);
            onOne.say("still here");
            assertEquals("still here", onOne.nextChat().getString("message"));
        }
    }

    @Test
    void aKilledNodeDoesNotDisturbTheOthers() {
        ChatServer one = cluster.startNode();
        ChatServer two = cluster.startNode();
        try (NodeProcess doomed = NodeProcess.start(cluster.environment());
             ChatClient ann = ChatClient.join(one.wsBase(), "2330");
             ChatClient bob = ChatClient.join(two.wsBase(), "2330");
             ChatClient eve = ChatClient.join(doomed.wsBase(), "2330")) {
            cluster.awaitSubscribers("2330", 3);
            eve.say("before the crash");
            for (ChatClient client : List.of(ann, bob, eve)) {
                assertEquals("before the crash", client.nextChat().getString("message"));
            }
            doomed.kill();
            assertTrue(eve.awaitClose().code() != 1000, "the killed node's socket just drops");

            for (int i = 0; i < 20; i++) {
                (i % 2 == 0 ? ann : bob).say("after " + i);
                for (ChatClient survivor : List.of(ann, bob)) {
                    JsonObject frame = survivor.next();
                    assertEquals("chat.message", frame.getString("type"), "no error frames: " + frame);
                    assertEquals("after " + i, frame.getString("message"));
                }
            }
        }
    }
}
