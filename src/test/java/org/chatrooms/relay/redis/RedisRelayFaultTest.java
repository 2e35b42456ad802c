package org.chatrooms.relay.redis;

import org.chatrooms.relay.StreamRetention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.logging.Level;

import org.chatrooms.protocol.ChatMessage;
import org.chatrooms.protocol.ChatPost;
import org.chatrooms.relay.RelayUnavailableException;
import org.chatrooms.relay.redis.RedisRelayConfig.Timings;
import org.chatrooms.room.RoomName;
import org.chatrooms.testing.Eventually;
import org.chatrooms.testing.LogCapture;
import org.chatrooms.testing.RedisServer;
import org.chatrooms.testing.RecordingListener;
import org.chatrooms.testing.RelayThreadCheck;
import org.chatrooms.testing.Stages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import redis.clients.jedis.Jedis;

/**
 * The Redis relay as two nodes in one JVM (two relays, one Redis), and what it does when Redis restarts, is missing,
 * stops answering or refuses the password. Each test starts its own redis-server.
 */
@Timeout(60)
class RedisRelayFaultTest {

    private static final Duration WAIT = Stages.WAIT;
    /** Fast clocks so liveness tests take a second, not five. */
    private static final Timings QUICK = new Timings(Duration.ofMillis(200), Duration.ofMillis(700),
            Duration.ofMillis(50), Duration.ofMillis(500), Duration.ofSeconds(1));

    private final String prefix = "test-" + UUID.randomUUID() + ":";
    private final List<AutoCloseable> closeAfter = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = closeAfter.size() - 1; i >= 0; i--) {
            closeAfter.get(i).close();
        }
        RelayThreadCheck.assertNoneAlive();
    }

    @Test
    void twoNodesSeeOneRoomInTheSameOrderWithTheSameIds() {
        TwoNodes nodes = twoNodesInOneRoom(redis(RedisServer.start()));
        Node a = nodes.a();
        Node b = nodes.b();
        RoomName room = nodes.room();
        for (int i = 0; i < 100; i++) {
            a.relay.publish(new ChatPost(room, "ann", "a" + i));
            b.relay.publish(new ChatPost(room, "bob", "b" + i));
        }
        List<ChatMessage> seenByA = a.take(200);
        List<ChatMessage> seenByB = b.take(200);
        assertEquals(seenByA, seenByB, "both nodes see the same messages, ids and order");
        for (int i = 0; i < 200; i++) {
            assertEquals(i + 1, seenByA.get(i).id());
        }
    }

    @Test
    void aNodeSubscribesOnlyToRoomsWithLocalSocketsAndLeavesThem() {
        RedisServer redis = redis(RedisServer.start());
        Node a = node(redis.url());
        Node b = node(redis.url());
        RoomName onlyA = room();
        RoomName onlyB = room();
        a.join(onlyA);
        b.join(onlyB);
        try (Jedis admin = redis.admin()) {
            assertEquals(Set.of(channel(onlyA), channel(onlyB)), Set.copyOf(admin.pubsubChannels(prefix + "room:*")));
            assertEquals(1L, admin.pubsubNumSub(channel(onlyA)).get(channel(onlyA)));
            a.relay.publish(new ChatPost(onlyA, "ann", "for a"));
            b.relay.publish(new ChatPost(onlyB, "bob", "for b"));
            assertEquals("for a", a.take(1).get(0).text());
            assertEquals("for b", b.take(1).get(0).text());
            assertTrue(a.receivedNothingMore() && b.receivedNothingMore(), "no node got the other's room");

            b.relay.leave(onlyB);
            Eventually.until("B unsubscribed its empty room", WAIT,
                    () -> admin.pubsubNumSub(channel(onlyB)).get(channel(onlyB)) == 0L);
        }
    }

    @Test
    void afterRedisRestartsTheNodesResubscribeAndTheRoomContinuesInANewEpoch() {
        RedisServer redis = redis(RedisServer.start());
        TwoNodes nodes = twoNodesInOneRoom(redis);
        Node a = nodes.a();
        Node b = nodes.b();
        RoomName room = nodes.room();
        for (int i = 1; i <= 3; i++) {
            a.relay.publish(new ChatPost(room, "ann", "before " + i));
        }
        List<ChatMessage> first = a.take(3);
        assertEquals(List.of(1L, 2L, 3L), first.stream().map(ChatMessage::id).toList());
        String firstEpoch = first.get(0).epoch();
        b.take(3);

        redis.kill();
        Eventually.until("A notices Redis is gone", WAIT, () -> !a.relay.isReady());
        assertUnavailable(a.relay.publish(new ChatPost(room, "ann", "while down")));

        redis.restart();
        Duration recovery = Eventually.until("both nodes ready again", WAIT,
                () -> a.relay.isReady() && b.relay.isReady());
        assertTrue(recovery.compareTo(Duration.ofSeconds(5)) < 0, "recovered in " + recovery);
        b.publishOnceConnected(new ChatPost(room, "bob", "after"));
        ChatMessage after = a.take(1).get(0);
        assertEquals("after", after.text());
        assertEquals(1, after.id(), "Redis lost the stream: the room continues in a new epoch, from 1");
        assertNotEquals(firstEpoch, after.epoch());
        assertEquals(after, b.take(1).get(0));
        assertEquals(List.of(), a.received.pending(), "nothing twice, nothing from the outage");
    }

    @Test
    void aNodeThatReconnectsLateCatchesUpOnWhatOthersSentMeanwhileAndNothingTwice() {
        RedisServer redis = redis(RedisServer.start());
        Node a = node(redis.url());
        // B waits 1.5 s before reconnecting, so A is sure to publish while B is away.
        Node b = node(RedisRelayConfig.parse(redis.url(), prefix).withTimings(new Timings(Duration.ofSeconds(1),
                Duration.ofSeconds(3), Duration.ofMillis(1500), Duration.ofMillis(1500), Duration.ofSeconds(1))));
        RoomName room = room();
        a.join(room);
        b.join(room);
        Stages.await(a.relay.publish(new ChatPost(room, "ann", "before")));
        assertEquals(1, b.take(1).get(0).id());

        redis.killClient("chat-" + b.relay.nodeId() + "-subscriber");
        Eventually.until("B notices its connection is gone", WAIT, () -> !b.relay.isReady());
        for (int i = 1; i <= 5; i++) {
            Stages.await(a.relay.publish(new ChatPost(room, "ann", "while B is away " + i)));
        }
        Eventually.until("B back", WAIT, b.relay::isReady);
        a.publishOnceConnected(new ChatPost(room, "ann", "after"));

        List<ChatMessage> caughtUp = b.take(6);
        assertEquals(List.of(2L, 3L, 4L, 5L, 6L, 7L), caughtUp.stream().map(ChatMessage::id).toList());
        assertEquals("after", caughtUp.get(5).text());
        assertEquals(a.take(7).subList(1, 7), caughtUp, "the same messages as A saw");
        assertEquals(List.of(), b.received.pending(), "nothing twice");
    }

    @Test
    void startsWithoutRedisAndConnectsWhenRedisAppears() {
        RedisServer redis = redis(RedisServer.notStarted());
        Node a = node(redis.url());
        RoomName room = room();
        CompletionStage<Void> joined = a.relay.join(room);
        assertFalse(a.relay.isReady());
        assertUnavailable(a.relay.publish(new ChatPost(room, "ann", "nobody to carry it")));

        redis.restart();
        Stages.await(joined);
        Eventually.until("ready once Redis is up", WAIT, a.relay::isReady);
        a.relay.publish(new ChatPost(room, "ann", "now"));
        assertEquals("now", a.take(1).get(0).text());
    }

    @Test
    void aConnectionThatStopsAnsweringIsReplaced() {
        RedisServer redis = redis(RedisServer.start());
        try (LogCapture log = LogCapture.of("org.chatrooms.relay.redis")) {
            Node a = node(RedisRelayConfig.parse(redis.url(), prefix).withTimings(QUICK));
            RoomName room = room();
            a.join(room);
            try (Jedis admin = redis.admin()) {
                // Redis holds every client's commands, pings included: to the relay, a half-open connection.
                admin.clientPause(1500);
            }
            log.await("silence detected", WAIT, LogCapture.message(Level.WARNING, "did not answer"));
            assertFalse(a.relay.isReady());
            Eventually.until("ready after the pause", WAIT, a.relay::isReady);
            a.publishOnceConnected(new ChatPost(room, "ann", "still works"));
            assertEquals("still works", a.take(1).get(0).text());
        }
    }

    @Test
    void passwordOfTheDefaultUserAndAnAclUserWithOnlyWhatTheRelayNeeds() {
        RedisServer redis = redis(RedisServer.start(
                RedisServer.chatAclUser("chat", "chat-secret", prefix, "admin-secret")));
        Node admin = node(redis.url("", "admin-secret"));
        Node chat = node(redis.url("chat", "chat-secret"));
        RoomName room = room();
        admin.join(room);
        chat.join(room);
        Stages.await(chat.relay.publish(new ChatPost(room, "ann", "via acl user")));
        Stages.await(admin.relay.publish(new ChatPost(room, "bob", "via requirepass")));
        assertEquals(List.of("via acl user", "via requirepass"), chat.take(2).stream().map(ChatMessage::text).toList());
        assertEquals(List.of("via acl user", "via requirepass"),
                admin.take(2).stream().map(ChatMessage::text).toList());
    }

    @Test
    void aWrongPasswordIsLoggedClearlyOnceAndRetriedWithBackoff() {
        RedisServer redis = redis(RedisServer.startWithPassword("right"));
        try (LogCapture log = LogCapture.of("org.chatrooms.relay.redis");
             Jedis admin = redis.admin()) {
            long before = connectionsReceived(admin);
            long start = System.nanoTime();
            Node a = node(redis.url("", "wrong"));
            log.await("wrong password reported", WAIT,
                    LogCapture.message(Level.SEVERE, "refused the user name or password in CHAT_REDIS_URL"));
            Eventually.until("five attempts", WAIT, () -> connectionsReceived(admin) - before >= 5);
            Duration fiveAttempts = Duration.ofNanos(System.nanoTime() - start);
            // 100, 200, 400, 800 ms pauses less up to a quarter each: a tight loop would take milliseconds.
            assertTrue(fiveAttempts.toMillis() >= 1000, "five attempts took only " + fiveAttempts);
            assertFalse(a.relay.isReady());
            assertEquals(1, log.matching(LogCapture.message(Level.SEVERE, "refused the user name")).size(),
                    "a recurring problem is logged once: " + log.records().size() + " records");
        }
    }

    @Test
    void aMissingPasswordSaysSo() {
        RedisServer redis = redis(RedisServer.startWithPassword("right"));
        try (LogCapture log = LogCapture.of("org.chatrooms.relay.redis")) {
            Node a = node(redis.url());
            log.await("missing password reported", WAIT,
                    LogCapture.message(Level.SEVERE, "requires a password and CHAT_REDIS_URL has none"));
            assertFalse(a.relay.isReady());
        }
    }

    // ---- helpers ----

    private RedisServer redis(RedisServer server) {
        closeAfter.add(server);
        return server;
    }

    private Node node(String url) {
        return node(RedisRelayConfig.parse(url, prefix));
    }

    private Node node(RedisRelayConfig config) {
        Node node = new Node(new RedisRelay(config, StreamRetention.DEFAULT));
        closeAfter.add(node.relay);
        return node;
    }

    private String channel(RoomName room) {
        return prefix + "room:{" + room + "}";
    }

    private static RoomName room() {
        return new RoomName("r" + UUID.randomUUID().toString().replace("-", ""));
    }

    private static long connectionsReceived(Jedis admin) {
        String stats = admin.info("stats");
        return stats.lines().filter(line -> line.startsWith("total_connections_received:"))
                .mapToLong(line -> Long.parseLong(line.substring(line.indexOf(':') + 1).trim()))
                .findFirst().orElseThrow();
    }

    private static void assertUnavailable(CompletionStage<?> stage) {
        Stages.assertFailsWith(RelayUnavailableException.class, stage);
    }

    /** One relay as one node, recording what it delivers. */
    private static final class Node {
        final RedisRelay relay;
        final RecordingListener received = new RecordingListener();

        Node(RedisRelay relay) {
            this.relay = relay;
            relay.start(received);
        }

        void join(RoomName room) {
            Stages.await(relay.join(room));
        }

        /**
         * Publishes, retrying while the relay refuses because the room is still being re-subscribed (readiness
         * covers the connection, not every room on it). Refusals are immediate, so this does not spin long.
         */
        void publishOnceConnected(ChatPost post) {
            Eventually.until("room " + post.room() + " accepts posts", WAIT,
                    () -> Stages.succeeds(relay.publish(post)));
        }

        List<ChatMessage> take(int count) {
            return received.take(count);
        }

        boolean receivedNothingMore() {
            return received.pending().isEmpty();
        }
    }

    /** Two nodes of one deployment, both joined to one fresh room. */
    private record TwoNodes(Node a, Node b, RoomName room) {
    }

    private TwoNodes twoNodesInOneRoom(RedisServer redis) {
        TwoNodes nodes = new TwoNodes(node(redis.url()), node(redis.url()), room());
        nodes.a.join(nodes.room);
        nodes.b.join(nodes.room);
        return nodes;
    }
}
