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

    @Test
    void theSenderIsToldWhenRedisLosesAMessageItAccepted() throws Exception {
        try (RedisServer redis = RedisServer.start();
             ChatCluster cluster = new ChatCluster(redis)) {
            ChatServer node = cluster.startNode(Map.of("CHAT_HISTORY_SIZE", "0"));
            try (ChatClient ann = ChatClient.join(node.wsBase(), "lobby");
                 ChatClient bob = ChatClient.join(node.wsBase(), "lobby")) {
                cluster.awaitSubscribers("lobby", 1);
                ann.sendRaw(post("small before", "c1"));
                assertEquals("small before", ann.nextChat().getString("message"));
                assertEquals("small before", bob.nextChat().getString("message"));

                try (Jedis admin = redis.admin()) {
                    admin.configSet("client-output-buffer-limit", "pubsub 2000 0 0");
                }
                ann.sendRaw(post("x".repeat(3000), "c2"));

                JsonObject told = awaitFrame(ann, "error");
                assertEquals("not_delivered", told.getString("code"));
                assertEquals("c2", told.getString("cid"), "the refusal names the message: " + told);
                assertEquals("gap", awaitFrame(bob, "gap").getString("type"));

                // The node subscribed again; chat goes on, and the lost message never shows up.
                String after = sendUntilEchoed(ann, "small after");
                assertTrue(bob.awaitChat(after, PATIENCE), "bob gets what ann sent after");
            }
        }
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
            assertTrue(frame.getString("message", "").length() < 3000, "the lost message was shown: " + frame);
            seen.add(frame);
        }
        throw new AssertionError("no " + type + " frame within " + PATIENCE + "; got " + seen);
    }

    /** While the node is subscribing again, posts get {@code not_delivered}: send until one is echoed. */
    private static String sendUntilEchoed(ChatClient client, String text) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        for (int attempt = 0; System.nanoTime() < deadline; attempt++) {
            String sent = text + " " + attempt;
            client.sendRaw(post(sent, "after-" + attempt));
            JsonObject answer = client.next();
            while ("gap".equals(answer.getString("type", ""))) {
                answer = client.next(); // each catch-up of the reconnecting node that still cannot recover
            }
            if ("chat.message".equals(answer.getString("type", "")) && sent.equals(answer.getString("message"))) {
                return sent;
            }
            assertEquals("error", answer.getString("type", ""), "expected the echo or an error: " + answer);
        }
        throw new AssertionError("no echo within " + PATIENCE);
    }
}
