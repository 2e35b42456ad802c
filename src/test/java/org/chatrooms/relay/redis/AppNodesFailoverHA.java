package org.chatrooms.relay.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.chatrooms.dev.ChatServer;
import org.chatrooms.testing.ChatClient;
import org.chatrooms.testing.ChatCluster;
import org.chatrooms.testing.RedisClusterSetup;
import org.chatrooms.testing.RedisDeployment;
import org.chatrooms.testing.RedisSentinelSetup;
import org.chatrooms.testing.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Failover as users see it: two nodes of the built WAR, one browser-like client on each, both chatting with a
 * client id on every message while the primary that holds their room is SIGKILLed (Sentinel: the primary; Cluster:
 * the room's shard). Every message a client sent comes back to it as its echo or as an error frame with its id
 * (never silence); no client sees a message twice or two messages at one position; whatever one client got echoed
 * reaches the other client too, unless that client was shown a gap line. Prints the pause.
 */
@Timeout(180)
class AppNodesFailoverHA {

    private static final Duration PACE = Duration.ofMillis(20);

    @Test
    void sentinelFailoverAsUsersSeeIt() throws Exception {
        try (RedisSentinelSetup sentinel = RedisSentinelSetup.start();
             ChatCluster nodes = new ChatCluster(RedisDeployment.sentinel(sentinel))) {
            chatThrough("Sentinel", nodes, "lobby", () -> {
                // Asked at the kill, not before: on a busy machine the sentinels may have failed over already.
                RedisServer primary = sentinel.primary();
                primary.kill();
                sentinel.awaitFailover(primary.port(), Duration.ofSeconds(30));
            });
        }
    }

    @Test
    void clusterShardFailoverAsUsersSeeIt() throws Exception {
        try (RedisClusterSetup cluster = RedisClusterSetup.start();
             ChatCluster nodes = new ChatCluster(RedisDeployment.cluster(cluster))) {
            String room = "lobby";
            int slot = cluster.slotOf(nodes.channel(room));
            RedisServer owner = cluster.ownerOf(slot);
            chatThrough("Cluster", nodes, room, () -> {
                owner.kill();
                cluster.awaitNewOwner(slot, owner, Duration.ofSeconds(30));
            });
        }
    }

    private static void chatThrough(String mode, ChatCluster nodes, String room, Runnable failover) throws Exception {
        ChatServer one = nodes.startNode();
        ChatServer two = nodes.startNode();
        try (ChatClient ann = ChatClient.join(one.wsBase(), room);
             ChatClient bob = ChatClient.join(two.wsBase(), room)) {
            nodes.awaitSubscribers(room, 2);
            Side a = new Side("ann", ann);
            Side b = new Side("bob", bob);
            // Before: a few rounds; then the failover on this thread's behalf, while another thread keeps chatting.
            Thread chatter = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    a.send();
                    b.send();
                    a.drain();
                    b.drain();
                    try {
                        TimeUnit.MILLISECONDS.sleep(PACE.toMillis()); // the chat's pace, not a synchronisation
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "failover-chatter");
            chatter.start();
            try {
                a.awaitEchoes(20, Duration.ofSeconds(10));
                long killed = System.nanoTime();
                failover.run();
                long promoted = System.nanoTime();
                a.awaitEchoesSentAfter(killed, 20, Duration.ofSeconds(20));
                b.awaitEchoesSentAfter(killed, 20, Duration.ofSeconds(20));
                chatter.interrupt();
                chatter.join(10_000);
                // Every message sent is answered (echo or error) within the client's patience.
                a.awaitAllAnswered(Duration.ofSeconds(15));
                b.awaitAllAnswered(Duration.ofSeconds(15));
                // Echoes of one side reach the other within a moment; wait for that before judging.
                a.awaitDelivered(b, Duration.ofSeconds(10));
                b.awaitDelivered(a, Duration.ofSeconds(10));
                for (Side side : List.of(a, b)) {
                    side.assertNoRepeats();
                }
                long firstAfter = Math.min(a.firstEchoedSentAfter(killed), b.firstEchoedSentAfter(killed));
                FailoverChat.log(String.format("%s, two WAR nodes: promoted %d ms after the kill; first message "
                                + "echoed again was sent %d ms after the kill; ann %s; bob %s", mode,
                        (promoted - killed) / 1_000_000, (firstAfter - killed) / 1_000_000, a.summary(), b.summary()));
                assertTrue(a.refusedCount() + b.refusedCount() > 0, "messages during the switch get error frames");
            } finally {
                chatter.interrupt();
            }
        }
    }

    /** One client: what it sent (by client id, with send times) and every frame it received. */
    private static final class Side {
        final String name;
        final ChatClient client;
        final Map<String, Long> sentAt = new HashMap<>();
        final Map<String, JsonObject> echoes = new HashMap<>();
        final Map<String, String> errors = new HashMap<>();
        final List<JsonObject> chats = new ArrayList<>();
        int gaps;
        private int next;

        Side(String name, ChatClient client) {
            this.name = name;
            this.client = client;
        }

        synchronized void send() {
            String cid = name + "-" + next++;
            sentAt.put(cid, System.nanoTime());
            client.sendRaw(Json.createObjectBuilder().add("message", cid).add("cid", cid).build().toString());
        }

        synchronized void drain() {
            for (String frame : client.pending()) {
                JsonObject parsed;
                try (var reader = Json.createReader(new StringReader(frame))) {
                    parsed = reader.readObject();
                }
                switch (parsed.getString("type", "")) {
                    case "chat.message" -> {
                        chats.add(parsed);
                        String cid = parsed.getString("cid", null);
                        if (cid != null && sentAt.containsKey(cid)) {
                            echoes.put(cid, parsed);
                        }
                    }
                    case "error" -> errors.put(parsed.getString("cid", "?"), parsed.getString("code"));
                    case "gap" -> gaps++;
                    default -> throw new AssertionError(name + " got an unexpected frame " + parsed);
                }
            }
        }

        void awaitEchoes(int count, Duration timeout) {
            until(() -> echoes.size() >= count, count + " echoes for " + name, timeout);
        }

        void awaitEchoesSentAfter(long nanos, int count, Duration timeout) {
            until(() -> echoes.keySet().stream().filter(cid -> sentAt.get(cid) > nanos).count() >= count,
                    count + " echoes for " + name + " of messages sent after the kill", timeout);
        }

        void awaitAllAnswered(Duration timeout) {
            until(() -> sentAt.keySet().stream().allMatch(cid -> echoes.containsKey(cid) || errors.containsKey(cid)),
                    "every message of " + name + " answered by its echo or an error frame", timeout);
        }

        /** Every message {@code other} had echoed is shown here too, unless this client was shown a gap. */
        void awaitDelivered(Side other, Duration timeout) {
            until(() -> gaps > 0 || texts().containsAll(other.echoedTexts()),
                    other.name + "'s echoed messages shown to " + name, timeout);
        }

        synchronized Set<String> texts() {
            Set<String> texts = new HashSet<>();
            chats.forEach(chat -> texts.add(chat.getString("message")));
            return texts;
        }

        synchronized Set<String> echoedTexts() {
            return Set.copyOf(echoes.keySet());
        }

        synchronized void assertNoRepeats() {
            Set<String> texts = new HashSet<>();
            Map<String, String> positions = new HashMap<>();
            for (JsonObject chat : chats) {
                String text = chat.getString("message");
                assertTrue(texts.add(text), name + " was shown " + text + " twice");
                String position = chat.getString("epoch") + ":" + chat.getInt("id");
                String before = positions.putIfAbsent(position, text);
                assertEquals(null, before, name + ": position " + position + " names " + before + " and " + text);
            }
        }

        synchronized long firstEchoedSentAfter(long nanos) {
            return echoes.keySet().stream().mapToLong(sentAt::get).filter(at -> at > nanos).min().orElse(Long.MAX_VALUE);
        }

        synchronized long refusedCount() {
            return errors.size();
        }

        synchronized String summary() {
            long falseAlarms = errors.keySet().stream().filter(texts()::contains).count();
            Map<String, Long> codes = new HashMap<>();
            errors.values().forEach(code -> codes.merge(code, 1L, Long::sum));
            return sentAt.size() + " sent, " + echoes.size() + " echoed, " + errors.size() + " error frames "
                    + codes + " (" + falseAlarms + " of them delivered after all), " + gaps + " gap line(s), "
                    + chats.size() + " messages shown";
        }

        private void until(java.util.function.BooleanSupplier condition, String what, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                drain();
                synchronized (this) {
                    if (condition.getAsBoolean()) {
                        return;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("Not within " + timeout.toMillis() + " ms: " + what + "; " + summary());
                }
                try {
                    TimeUnit.MILLISECONDS.sleep(25); // polling the received frames
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
        }
    }
}
