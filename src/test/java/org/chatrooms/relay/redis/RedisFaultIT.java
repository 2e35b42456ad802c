package org.chatrooms.relay.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.logging.Level;

import jakarta.json.JsonObject;

import org.chatrooms.dev.ChatServer;
import org.chatrooms.testing.ChatClient;
import org.chatrooms.testing.ChatCluster;
import org.chatrooms.testing.Eventually;
import org.chatrooms.testing.Http;
import org.chatrooms.testing.LogCapture;
import org.chatrooms.testing.RedisDeployment;
import org.chatrooms.testing.RedisMode;
import org.chatrooms.testing.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import redis.clients.jedis.Jedis;

/**
 * Faults with the built WAR on several nodes: Redis dying mid-chat and coming back, Redis missing at start,
 * Redis refusing work (out of memory, a user losing its key permissions), passwords right and wrong. Users must
 * always hear about a message that was not delivered, and never get one twice. One redis-server here;
 * {@link SentinelRedisFaultHA} and {@link ClusterRedisFaultHA} run the refusals and the passwords in the other two
 * modes (on every data node). Restarting the one server is a one-server fault: there, the primary's death is a
 * failover ({@code Redis*FailoverIT}, {@link AppNodesFailoverHA}).
 */
@Timeout(120)
class RedisFaultIT {

    private static final Duration RECOVERY_BUDGET = Duration.ofSeconds(5);
    private static final List<String> CHAT_USER = List.of("--user", "chat", "on", ">chat-secret", "~*", "&*", "+@all");
    private final List<AutoCloseable> closeAfter = new ArrayList<>();

    /** The Redis mode of the nodes; the {@code *HA} subclasses name the other two. */
    protected RedisMode mode() {
        return RedisMode.STANDALONE;
    }

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = closeAfter.size() - 1; i >= 0; i--) {
            closeAfter.get(i).close();
        }
    }

    @Test
    void redisRestartedMidChat() {
        assumeOneServer("killing and restarting the one redis-server");
        RedisServer redis = closing(RedisServer.start());
        try (TwoUsers users = TwoUsers.chatting(closing(new ChatCluster(redis)))) {
            ChatServer one = users.one();
            ChatServer two = users.two();
            ChatClient ann = users.ann();
            ChatClient bob = users.bob();
            JsonObject last = users.before();

            redis.kill();
            for (ChatServer node : List.of(one, two)) {
                Eventually.until("/readyz says 503 while Redis is down", Duration.ofSeconds(10),
                        () -> Http.status(readyz(node)) == 503);
            }
            ann.say("while down");
            assertNotDelivered(ann.next());
            bob.say("while down too");
            assertNotDelivered(bob.next());

            redis.restart();
            long restarted = System.nanoTime();
            Conversation annSide = new Conversation(ann);
            Conversation bobSide = new Conversation(bob);
            String annBack = annSide.sendUntilEchoed("ann back");
            String bobBack = bobSide.sendUntilEchoed("bob back");
            Duration recovery = Duration.ofNanos(System.nanoTime() - restarted);
            assertTrue(recovery.compareTo(RECOVERY_BUDGET) < 0, "chat recovered only after " + recovery);
            for (ChatServer node : List.of(one, two)) {
                Eventually.until("/readyz says 200 again", RECOVERY_BUDGET, () -> Http.status(readyz(node)) == 200);
            }

            ann.say("final");
            annSide.readUntil("final");
            bobSide.readUntil("final");
            for (Conversation side : List.of(annSide, bobSide)) {
                assertTrue(side.texts.containsAll(List.of(annBack, bobBack, "final")), side.texts.toString());
                assertEquals(side.texts.size(), new HashSet<>(side.texts).size(), "nothing twice: " + side.texts);
                // Redis lost the room's stream: the room goes on in a new epoch, and the sockets were told.
                assertTrue(side.gaps > 0, "a gap notice: messages of the outage may be lost");
                String epoch = side.epochs.get(0);
                assertNotEquals(last.getString("epoch"), epoch, "a new epoch after the restart");
                long previous = 0;
                for (int i = 0; i < side.ids.size(); i++) {
                    assertEquals(epoch, side.epochs.get(i), "one epoch since the restart");
                    assertTrue(side.ids.get(i) > previous, "ids increase within the epoch: " + side.ids);
                    previous = side.ids.get(i);
                }
            }
            assertEquals(annSide.texts, bobSide.texts, "both users see one conversation");
        }
    }

    /**
     * A Redis that answers but refuses writes (out of memory under {@code noeviction}, as a read-only replica would
     * refuse them too): the node is not ready, senders are told, and it all comes back by itself.
     */
    @Test
    void redisRefusingWritesIsNotReadyAndRecoversByItself() {
        RedisDeployment redis = closing(mode().start());
        refusalIsNotReadyAndRecoversByItself(redis, Map.of(), "OOM", admin -> {
            admin.configSet("maxmemory-policy", "noeviction");
            admin.configSet("maxmemory", "1");
        }, admin -> admin.configSet("maxmemory", "0"));
    }

    /**
     * An ACL change takes the chat user's keys away while it chats (its channels stay): every script and the
     * readiness probe get NOPERM, so the node is not ready and says why, and it recovers once the keys are back.
     */
    @Test
    void aUserLosingItsKeysIsNotReadyAndRecoversByItself() {
        RedisDeployment redis = closing(mode().start(CHAT_USER));
        refusalIsNotReadyAndRecoversByItself(redis, redis.credentials("chat", "chat-secret"), "NOPERM",
                admin -> admin.aclSetUser("chat", "resetkeys"), admin -> admin.aclSetUser("chat", "~*"));
    }

    /**
     * One server turned into a replica ({@code REPLICAOF} a port where nothing listens: it keeps its data and
     * refuses writes with READONLY), then back into a primary.
     */
    @Test
    void aReadOnlyRedisIsNotReadyAndRecoversByItself() {
        assumeOneServer("REPLICAOF on the one server (Sentinel and Cluster demote a live primary by a failover: "
                + "aPrimaryHandingOverWhileAliveIsFollowed)");
        RedisDeployment redis = closing(mode().start());
        int nowhere = RedisServer.freePort();
        refusalIsNotReadyAndRecoversByItself(redis, Map.of(), "READONLY",
                admin -> admin.replicaof("127.0.0.1", nowhere), Jedis::replicaofNoOne);
    }

    /**
     * Sentinel and Cluster: the room's primary hands over to its replica while it keeps running (an operator's
     * {@code SENTINEL FAILOVER} or {@code CLUSTER FAILOVER}, say before maintenance). Connections to the old
     * primary stay open, but it now refuses writes (READONLY) or redirects them (MOVED): the nodes must follow by
     * themselves, every message answered (echo or {@code not_delivered}), none twice, one conversation for both.
     */
    @Test
    void aPrimaryHandingOverWhileAliveIsFollowed() {
        assumeTrue(mode() != RedisMode.STANDALONE, "one server has no replica to hand over to");
        RedisDeployment redis = closing(mode().start());
        ChatCluster cluster = closing(new ChatCluster(redis));
        try (TwoUsers users = TwoUsers.chatting(cluster)) {
            redis.failOverGracefully(cluster.channel("2330"), Duration.ofSeconds(30));
            Conversation annSide = new Conversation(users.ann());
            Conversation bobSide = new Conversation(users.bob());
            String annBack = annSide.sendUntilEchoed("ann after");
            String bobBack = bobSide.sendUntilEchoed("bob after");
            for (ChatServer node : List.of(users.one(), users.two())) {
                Eventually.until("/readyz says 200 after the hand-over", RECOVERY_BUDGET,
                        () -> Http.status(readyz(node)) == 200);
            }
            String last = annSide.sendUntilEchoed("final");
            bobSide.readUntil(last);
            for (Conversation side : List.of(annSide, bobSide)) {
                assertTrue(side.texts.containsAll(List.of(annBack, bobBack, last)), side.texts.toString());
                assertEquals(side.texts.size(), new HashSet<>(side.texts).size(), "nothing twice: " + side.texts);
            }
            assertEquals(annSide.texts, bobSide.texts, "both users see one conversation");
        }
    }

    /**
     * {@code refuse} runs on every data node while a user chats, {@code accept} on every data node afterwards;
     * CONFIG and ACL changes are not replicated, and a replica may be promoted meanwhile.
     */
    private void refusalIsNotReadyAndRecoversByItself(RedisDeployment redis, Map<String, String> credentials,
                                                      String reason, Consumer<Jedis> refuse, Consumer<Jedis> accept) {
        ChatCluster cluster = closing(new ChatCluster(redis));
        ChatServer node = cluster.startNode(credentials);
        LogCapture log = closing(LogCapture.of("org.chatrooms.relay.redis"));
        try (ChatClient ann = ChatClient.join(node.wsBase(), "2330")) {
            ann.say("before");
            assertEquals("before", ann.nextChat().getString("message"));
            onEveryDataNode(redis, refuse);
            ann.say("while Redis refuses");
            JsonObject refused = ann.next();
            assertNotDelivered(refused);
            assertTrue(refused.getString("message").contains(reason), "the reason is given: " + refused);
            Duration notReady = Eventually.until("/readyz says 503 while Redis refuses writes",
                    Duration.ofSeconds(5), () -> Http.status(readyz(node)) == 503);
            log.await("the refusal is logged with its reason", Duration.ofSeconds(5),
                    LogCapture.message(Level.WARNING, reason));
            for (int i = 0; i < 5; i++) {
                ann.say("still full " + i);
                assertNotDelivered(ann.next());
            }
            assertEquals(1, log.matching(LogCapture.message(Level.WARNING, "Redis refuses")).size(),
                    "repeats are counted, not logged one by one");

            onEveryDataNode(redis, accept);
            Duration recovered = Eventually.until("/readyz says 200 again by itself", RECOVERY_BUDGET,
                    () -> Http.status(readyz(node)) == 200);
            new Conversation(ann).sendUntilEchoed("after");
            java.util.logging.Logger.getLogger(RedisFaultIT.class.getName()).info(
                    mode() + ", Redis refusing writes (" + reason + "): not ready after " + notReady.toMillis()
                            + " ms, ready again " + recovered.toMillis() + " ms after it accepted writes");
        }
    }

    private static void onEveryDataNode(RedisDeployment redis, Consumer<Jedis> change) {
        for (RedisServer server : redis.dataNodes()) {
            try (Jedis admin = server.admin()) {
                change.accept(admin);
            }
        }
    }

    /**
     * Sentinel and Cluster: a node that starts while no sentinel or seed answers is not ready
     * ({@code SentinelRedisRelayTest}, {@code ClusterRedisRelayTest}); starting a whole setup on ports reserved
     * beforehand is beyond these helpers, so the "then appearing" half is tested with one server only.
     */
    @Test
    void redisUnreachableAtStartThenAppearing() {
        assumeOneServer("a redis-server started later on a reserved port");
        RedisServer redis = closing(RedisServer.notStarted());
        ChatCluster cluster = closing(new ChatCluster(redis));
        ChatServer node = cluster.startNode();
        assertEquals(200, Http.status(node.httpBase().resolve("chat/")), "pages are served without Redis");
        assertEquals(200, Http.status(node.httpBase().resolve("chat/2330/")));
        assertEquals("ok", Http.get(node.httpBase().resolve("healthz")).body());
        assertEquals(503, Http.status(readyz(node)));
        try (ChatClient ann = ChatClient.join(node.wsBase(), "2330")) {
            JsonObject unavailable = ann.next();
            assertEquals("error", unavailable.getString("type"));
            assertEquals("relay_unavailable", unavailable.getString("code"));
            ann.say("anyone?");
            assertNotDelivered(ann.next());

            redis.restart();
            Eventually.until("/readyz says 200 once Redis is there", RECOVERY_BUDGET,
                    () -> Http.status(readyz(node)) == 200);
            new Conversation(ann).sendUntilEchoed("now");
        }
    }

    /**
     * Every data node requires a password ({@code requirepass}; Sentinel and Cluster replicas authenticate to their
     * primary with {@code masterauth}, sentinels with {@code auth-pass}) and knows an ACL user; one node gives the
     * default user's password, the other the ACL user's, each the way the README says for the mode
     * ({@code CHAT_REDIS_URL}, or {@code CHAT_REDIS_USER} and {@code CHAT_REDIS_PASSWORD}).
     */
    @Test
    void passwordOfTheDefaultUserAndOfAnAclUser() {
        List<String> options = new ArrayList<>(List.of("--requirepass", "admin-secret"));
        options.addAll(CHAT_USER);
        RedisDeployment redis = closing(mode().start(options));
        twoNodesChat(closing(new ChatCluster(redis)), redis.credentials("", "admin-secret"),
                redis.credentials("chat", "chat-secret"));
    }

    /** A node with {@code oneSettings} and a node with {@code twoSettings} chat both ways in one room. */
    static void twoNodesChat(ChatCluster cluster, Map<String, String> oneSettings, Map<String, String> twoSettings) {
        ChatServer one = cluster.startNode(oneSettings);
        ChatServer two = cluster.startNode(twoSettings);
        try (ChatClient ann = ChatClient.join(one.wsBase(), "2330");
             ChatClient bob = ChatClient.join(two.wsBase(), "2330")) {
            cluster.awaitSubscribers("2330", 2);
            ann.say("from node one");
            assertEquals("from node one", bob.nextChat().getString("message"));
            bob.say("from node two");
            assertEquals("from node one", ann.nextChat().getString("message"));
            assertEquals("from node two", ann.nextChat().getString("message"));
        }
    }

    @Test
    void aWrongPasswordIsAClearErrorAndTheNodeStillServesPages() {
        RedisDeployment redis = closing(mode().start(List.of("--requirepass", "right")));
        LogCapture log = closing(LogCapture.of("org.chatrooms"));
        ChatCluster cluster = closing(new ChatCluster(redis));
        ChatServer node = cluster.startNode(redis.credentials("", "not-the-password-42"));
        String settings = mode() == RedisMode.STANDALONE ? "CHAT_REDIS_URL" : "CHAT_REDIS_USER / CHAT_REDIS_PASSWORD";
        log.await("the wrong password is reported", Duration.ofSeconds(10),
                LogCapture.message(Level.SEVERE, "Redis refused the user name or password in " + settings));
        assertTrue(log.records().stream().noneMatch(record -> LogCapture.text(record).contains("not-the-password-42")),
                "the password never appears in the log");
        assertEquals(200, Http.status(node.httpBase().resolve("chat/")));
        assertEquals(503, Http.status(readyz(node)));
        try (ChatClient ann = ChatClient.join(node.wsBase(), "2330")) {
            assertEquals("relay_unavailable", ann.next().getString("code"));
            ann.say("hello?");
            assertNotDelivered(ann.next());
        }
    }

    private void assumeOneServer(String fault) {
        assumeTrue(mode() == RedisMode.STANDALONE, fault + " is a one-server fault");
    }

    <T extends AutoCloseable> T closing(T resource) {
        closeAfter.add(resource);
        return resource;
    }

    static URI readyz(ChatServer node) {
        return node.httpBase().resolve("readyz");
    }

    static void assertNotDelivered(JsonObject frame) {
        assertEquals("error", frame.getString("type"), frame.toString());
        assertEquals("not_delivered", frame.getString("code"), frame.toString());
    }

    /** Two nodes, ann on one and bob on the other in room 2330, both past a first message ({@link #before}). */
    private record TwoUsers(ChatServer one, ChatServer two, ChatClient ann, ChatClient bob, JsonObject before)
            implements AutoCloseable {

        static TwoUsers chatting(ChatCluster cluster) {
            ChatServer one = cluster.startNode();
            ChatServer two = cluster.startNode();
            ChatClient ann = ChatClient.join(one.wsBase(), "2330");
            ChatClient bob = ChatClient.join(two.wsBase(), "2330");
            cluster.awaitSubscribers("2330", 2);
            ann.say("before");
            assertEquals("before", bob.nextChat().getString("message"));
            JsonObject echo = ann.nextChat();
            assertEquals("before", echo.getString("message"));
            return new TwoUsers(one, two, ann, bob, echo);
        }

        @Override
        public void close() {
            try (ChatClient first = ann; ChatClient second = bob) {
                // both closed, whatever the other did
            }
        }
    }

    /** One user's view: every chat message received, in order, and a way to send until the relay is back. */
    private static final class Conversation {
        final ChatClient client;
        final List<String> texts = new ArrayList<>();
        final List<Long> ids = new ArrayList<>();
        final List<String> epochs = new ArrayList<>();
        int gaps;
        private final Set<String> sent = new HashSet<>();
        private int attempt;

        Conversation(ChatClient client) {
            this.client = client;
        }

        /**
         * Sends numbered messages until one comes back as a chat message rather than an error frame; returns its
         * text. Each attempt waits for the server's answer, so this is paced by the server, not by a timer.
         */
        String sendUntilEchoed(String text) {
            String[] echoed = new String[1];
            Eventually.until(text + " is delivered again", RECOVERY_BUDGET, () -> {
                String attemptText = text + " #" + attempt++;
                sent.add(attemptText);
                client.say(attemptText);
                while (true) {
                    JsonObject frame = client.next();
                    if (frame.getString("type").equals("gap")) {
                        gaps++;
                        continue;
                    }
                    if (frame.getString("type").equals("error")) {
                        assertNotDelivered(frame);
                        return false;
                    }
                    record(frame);
                    if (frame.getString("message").equals(attemptText)) {
                        echoed[0] = attemptText;
                        return true;
                    }
                }
            });
            return echoed[0];
        }

        void readUntil(String text) {
            while (true) {
                JsonObject frame = client.next();
                if (frame.getString("type").equals("gap")) {
                    gaps++;
                    continue;
                }
                record(frame);
                if (frame.getString("message").equals(text)) {
                    return;
                }
            }
        }

        private void record(JsonObject frame) {
            texts.add(frame.getString("message"));
            ids.add((long) frame.getInt("id"));
            epochs.add(frame.getString("epoch"));
        }
    }
}
