package org.chatrooms.relay.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.chatrooms.dev.ChatServer;
import org.chatrooms.testing.ChatClient;
import org.chatrooms.testing.ChatCluster;
import org.chatrooms.testing.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import redis.clients.jedis.Jedis;

/**
 * A message Redis accepted (the publish script ran and replied) that then never reached anyone and is not in the
 * history: what a failover to a replica that lacked the write, or a restart without persistence, does. Made
 * deterministic here with a real Redis: the room keeps no history ({@code CHAT_HISTORY_SIZE=0}) and Redis drops
 * the node's subscribed connection when the big message is published to it (a pub/sub output limit smaller than
 * the message). The sender must be told, with its client id; the room's other sockets get a gap notice; and chat
 * goes on.
 */
@Timeout(60)
class LostAfterAcceptIT {

    private static final Duration PATIENCE = Duration.ofSeconds(15);
    /**
     * Characters of the message Redis loses: over Redis's 16 KiB static reply buffer, which its output limits do not
     * count, so the rest lands in the counted reply list and exceeds the limit at once, however fast the node reads.
     */
    private static final int LOST_CHARS = 30_000;
    /** The node, with no history, and room for that message. */
    private static final Map<String, String> NODE = Map.of("CHAT_HISTORY_SIZE", "0",
            "CHAT_MAX_MESSAGE_CHARS", "40000", "CHAT_MAX_FRAME_CHARS", "65536");

    /**
     * The same Redis goes on: the room's stream is intact but no longer holds the message (no history), so the node's
     * catch-up cannot deliver it; the sender learns it as soon as the stream passes its place (the next message).
     */
    @Test
    void theSenderIsToldWhenTheStreamGoesOnWithoutItsMessage() throws Exception {
        try (RedisServer redis = RedisServer.start();
             ChatCluster cluster = new ChatCluster(redis)) {
            ChatServer node = cluster.startNode(NODE);
            try (ChatClient ann = ChatClient.join(node.wsBase(), "lobby");
                 ChatClient bob = ChatClient.join(node.wsBase(), "lobby")) {
                loseNextPost(redis, cluster, ann, bob);
                assertEquals("gap", awaitFrame(bob, "gap").getString("type"));

                // The node subscribed again; chat goes on, and the lost message never shows up.
                List<JsonObject> seen = new ArrayList<>();
                String after = sendUntilEchoed(ann, "small after", seen);
                assertTrue(seen.stream().anyMatch(frame -> isNotDelivered(frame, "c2")),
                        "ann was told about c2 by the time her next message was echoed: " + seen);
                assertTrue(bob.awaitChat(after, PATIENCE), "bob gets what ann sent after");
            }
        }
    }

    /**
     * Redis restarted without its data (as a failover to a replica that lacked the write does it): the node's catch-up
     * finds the room's stream in a new epoch, and the sender is told at once, before anyone posts again.
     */
    @Test
    void theSenderIsToldWhenTheStreamRestartsWithoutItsMessage() throws Exception {
        try (RedisServer redis = RedisServer.start();
             ChatCluster cluster = new ChatCluster(redis)) {
            ChatServer node = cluster.startNode(NODE);
            try (ChatClient ann = ChatClient.join(node.wsBase(), "lobby")) {
                loseNextPost(redis, cluster, ann, null);
                redis.kill();
                redis.restart();
                JsonObject told = awaitFrame(ann, "error");
                assertTrue(isNotDelivered(told, "c2"), "the refusal names the message: " + told);
            }
        }
    }

    /** A post Redis runs and replies to, whose delivery to the node it then drops (pub/sub output limit). */
    private static void loseNextPost(RedisServer redis, ChatCluster cluster, ChatClient sender, ChatClient other) {
        cluster.awaitSubscribers("lobby", 1);
        sender.sendRaw(post("small before", "c1"));
        assertEquals("small before", sender.nextChat().getString("message"));
        if (other != null) {
            assertEquals("small before", other.nextChat().getString("message"));
        }
        try (Jedis admin = redis.admin()) {
            admin.configSet("client-output-buffer-limit", "pubsub 2000 0 0");
        }
        sender.sendRaw(post("x".repeat(LOST_CHARS), "c2"));
    }

    private static boolean isNotDelivered(JsonObject frame, String cid) {
        return "error".equals(frame.getString("type", "")) && "not_delivered".equals(frame.getString("code", ""))
                && cid.equals(frame.getString("cid", ""));
    }

    private static String post(String text, String cid) {
        return Json.createObjectBuilder().add("message", text).add("cid", cid).build().toString();
    }

    /** Frames until one of {@code type}; a chat message on the way must not be the lost one. */
    private static JsonObject awaitFrame(ChatClient client, String type) {
        List<JsonObject> seen = new ArrayList<>();
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            JsonObject frame = client.next();
            if (type.equals(frame.getString("type", ""))) {
                return frame;
            }
            assertTrue(frame.getString("message", "").length() < LOST_CHARS, "the lost message was shown: " + frame);
            seen.add(frame);
        }
        throw new AssertionError("no " + type + " frame within " + PATIENCE + "; got " + seen);
    }

    /**
     * While the node is subscribing again, posts get {@code not_delivered}: sends until one is echoed; every frame
     * received meanwhile goes to {@code seen}.
     */
    private static String sendUntilEchoed(ChatClient client, String text, List<JsonObject> seen) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        for (int attempt = 0; System.nanoTime() < deadline; attempt++) {
            String sent = text + " " + attempt;
            String cid = "after-" + attempt;
            client.sendRaw(post(sent, cid));
            while (true) {
                JsonObject answer = client.next();
                seen.add(answer);
                if (sent.equals(answer.getString("message", null))) {
                    return sent;
                }
                if (isNotDelivered(answer, cid)) {
                    break; // refused while reconnecting: try again
                }
                assertTrue(answer.getString("message", "").length() < LOST_CHARS,
                        "the lost message was shown: " + answer);
            }
        }
        throw new AssertionError("no echo within " + PATIENCE);
    }
}
