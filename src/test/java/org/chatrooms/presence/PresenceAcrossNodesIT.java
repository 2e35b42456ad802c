package org.chatrooms.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import java.util.stream.Collectors;

import jakarta.json.JsonObject;

import org.chatrooms.dev.ChatServer;
import org.chatrooms.testing.ChatClient;
import org.chatrooms.testing.ChatCluster;
import org.chatrooms.testing.NodeProcess;
import org.chatrooms.testing.RedisDeployment;
import org.chatrooms.testing.RedisServer;
import org.chatrooms.testing.TestLoginValve;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Presence on two nodes of the built WAR sharing one real Redis: the list on join and the join and leave frames
 * on both nodes, one join and one leave for two tabs of a name, anonymous connections counted and not announced,
 * the verified flag, and a node killed with SIGKILL whose users leave within the ghost bound (measured). Runs
 * against one redis-server; {@link SentinelPresenceAcrossNodesHA} and {@link ClusterPresenceAcrossNodesHA} run the
 * same tests in the other two modes; shard failovers: {@link PresenceFailoverHA}.
 *
 * <p>"No frame about X" is checked against a marker: a later join on the same node, whose presence call runs
 * after the one under test, and whose announcement Redis publishes after any the one under test could have made;
 * every frame before the marker's join is then known.
 */
@Timeout(120)
class PresenceAcrossNodesIT {

    private static final Logger LOG = Logger.getLogger(PresenceAcrossNodesIT.class.getName());
    /** docs/presence.md: 3 s heartbeat, 9 s time to live: 12 s, within the 15 s. */
    private static final Duration GHOST_BOUND = Duration.ofSeconds(15);
    /** The Redis of a class whose tests share one ({@link #sharesRedis}), until its last test ran. */
    private static RedisDeployment classRedis;
    private RedisDeployment redis;
    private ChatCluster cluster;
    private ChatServer one;
    private ChatServer two;
    private final List<ChatClient> clients = new ArrayList<>();
    private int markers;

    /** The Redis the nodes share; each test gets a fresh one. */
    protected RedisDeployment startRedis() {
        RedisServer server = RedisServer.start();
        return RedisDeployment.standalone(server, server.url());
    }

    /**
     * Whether the class's tests share one Redis: for the modes whose setup takes seconds (Sentinel, Cluster); each
     * test's nodes have a key prefix of their own ({@link ChatCluster}), so they never see each other's rooms.
     */
    protected boolean sharesRedis() {
        return false;
    }

    @AfterAll
    static void stopClassRedis() {
        if (classRedis != null) {
            classRedis.close();
            classRedis = null;
        }
    }

    @BeforeEach
    void start() {
        if (!sharesRedis()) {
            redis = startRedis();
        } else {
            if (classRedis == null) {
                classRedis = startRedis();
            }
            redis = classRedis;
        }
        cluster = new ChatCluster(redis);
        one = cluster.startNode();
        two = cluster.startNode();
    }

    @AfterEach
    void stop() throws Exception {
        clients.forEach(ChatClient::close);
        try {
            cluster.close();
        } finally {
            if (!sharesRedis()) {
                redis.close();
            }
        }
    }

    private ChatClient join(ChatServer node, String room, String user) {
        return join(node.wsBase(), room, user);
    }

    private ChatClient join(URI wsBase, String room, String user) {
        ChatClient client = user == null ? ChatClient.join(wsBase, room) : ChatClient.join(wsBase, room, user);
        clients.add(client);
        return client;
    }

    /** The presence frames {@code observer} got before a marker that joined through {@code node} afterwards. */
    private List<JsonObject> framesBeforeMarker(ChatClient observer, ChatServer node, String room) {
        String marker = "marker" + (++markers);
        join(node, room, marker);
        List<JsonObject> before = new ArrayList<>();
        while (true) {
            JsonObject frame = observer.nextPresence();
            if ("join".equals(frame.getString("type")) && marker.equals(frame.getString("user"))) {
                return before;
            }
            before.add(frame);
        }
    }

    private static Map<String, Integer> users(JsonObject presence) {
        return presence.getJsonArray("users").getValuesAs(JsonObject.class).stream().collect(Collectors.toMap(
                u -> u.getString("user") + (u.getBoolean("verified") ? "+v" : ""), u -> u.getInt("connections")));
    }

    @Test
    void joinsReachBothNodesAndTheListOnJoinCoversBoth() {
        ChatClient alice = join(one, "lobby", "alice");
        assertEquals(Map.of("alice", 1), users(alice.joinPresence()));
        ChatClient bob = join(two, "lobby", "bob");
        assertEquals(Map.of("alice", 1, "bob", 1), users(bob.joinPresence()));
        assertEquals(2, bob.joinPresence().getInt("count"));
        assertEquals("Here: alice and bob.", bob.joinPresence().getString("message"));
        JsonObject joined = alice.awaitPresence("join", "bob", ChatClient.TIMEOUT);
        assertNotNull(joined, "alice (node one) saw bob (node two) join");
        assertEquals("bob joined", joined.getString("message"));
        assertEquals("lobby", joined.getString("room"));
        assertFalse(joined.getBoolean("verified"));
        assertNotNull(bob.awaitPresence("join", "bob", ChatClient.TIMEOUT), "bob's own join reached node two too");
        ChatClient carol = join(one, "lobby", "carol");
        assertEquals(Map.of("alice", 1, "bob", 1, "carol", 1), users(carol.joinPresence()));
        assertNotNull(bob.awaitPresence("join", "carol", ChatClient.TIMEOUT));
        carol.close();
        assertNotNull(bob.awaitPresence("leave", "carol", ChatClient.TIMEOUT), "bob (node two) saw carol leave");
        assertNotNull(alice.awaitPresence("leave", "carol", ChatClient.TIMEOUT), "alice (node one) saw carol leave");
    }

    @Test
    void twoTabsOfOneNameJoinOnceAndLeaveOnce() {
        ChatClient observer = join(one, "tabs", null);
        ChatClient first = join(two, "tabs", "bob");
        assertNotNull(observer.awaitPresence("join", "bob", ChatClient.TIMEOUT));
        ChatClient second = join(one, "tabs", "bob");
        assertEquals(Map.of("anonymous", 1, "bob", 2), users(second.joinPresence()));
        assertTrue(framesBeforeMarker(observer, one, "tabs").isEmpty(), "a second tab is no join");

        first.close();
        // Until node two took the tab out, a fresh list says 2; afterwards 1, and no leave may have come.
        awaitConnections(one, "tabs", "bob", 1);
        assertTrue(framesBeforeMarker(observer, two, "tabs").isEmpty(), "closing one of two tabs is no leave");

        second.close();
        JsonObject left = observer.awaitPresence("leave", "bob", ChatClient.TIMEOUT);
        assertNotNull(left, "the last tab's close is bob's leave");
        assertEquals("bob left", left.getString("message"));
        assertTrue(framesBeforeMarker(observer, one, "tabs").isEmpty(), "one leave only");
    }

    @Test
    void anonymousConnectionsAreCountedAndNotAnnounced() {
        ChatClient observer = join(one, "guests", "olga");
        join(one, "guests", null);
        join(two, "guests", null);
        ChatClient third = join(two, "guests", null);
        JsonObject list = third.joinPresence();
        assertEquals(Map.of("olga", 1, "anonymous", 3), users(list));
        assertEquals(4, list.getInt("count"));
        assertEquals("Here: olga and 3 anonymous guests.", list.getString("message"));
        assertEquals(List.of("join olga"), framesBeforeMarker(observer, two, "guests").stream()
                .map(f -> f.getString("type") + " " + f.getString("user")).toList());
    }

    @Test
    void verifiedUsersAreMarkedAndGuestsCannotPassForThem() {
        TestLoginValve.install(one);
        TestLoginValve.install(two);
        ChatClient guest = join(two, "trust", "alice");
        assertFalse(guest.joinPresence().getJsonArray("users").getJsonObject(0).getBoolean("verified"));
        URI login = one.wsBase().resolve("ws/chat/trust/?" + TestLoginValve.PARAMETER + "=alice");
        ChatClient verified = ChatClient.connect(login, "http://" + one.wsBase().getAuthority());
        clients.add(verified);
        assertEquals(Map.of("alice", 1, "alice+v", 1), users(verified.joinPresence()));
        JsonObject own = guest.nextPresence();
        assertEquals(List.of("join", "alice", false), List.of(own.getString("type"), own.getString("user"),
                own.getBoolean("verified")), "the guest's own join, unverified: " + own);
        JsonObject joined = guest.nextPresence();
        assertEquals(List.of("join", "alice", true), List.of(joined.getString("type"), joined.getString("user"),
                joined.getBoolean("verified")), "the guest's node saw the verified alice join: " + joined);

        verified.say("signed in");
        for (ChatClient client : List.of(verified, guest)) {
            JsonObject message = client.nextChat();
            assertEquals("alice", message.getString("user"));
            assertTrue(message.getBoolean("verified", false), message.toString());
        }
        guest.say("guest here");
        for (ChatClient client : List.of(verified, guest)) {
            JsonObject message = client.nextChat();
            assertEquals("alice", message.getString("user"));
            assertFalse(message.containsKey("verified"), message.toString());
        }
        // Now that a verified alice is in the room, look-alikes are refused, on either node.
        for (String imitation : List.of("аlice", "ALICE", "al1ce")) { // the first with a Cyrillic а
            ChatClient impostor = join(two, "trust", imitation);
            JsonObject error = impostor.next();
            assertEquals("invalid_name", error.getString("code"), error.toString());
            assertTrue(error.getString("message").contains("signed in"), error.toString());
            // Listed as a guest among the others (an earlier impostor's leave may still be on its way), never
            // under the imitation.
            Map<String, Integer> listed = users(impostor.joinPresence());
            assertEquals(1, listed.get("alice"), listed.toString());
            assertEquals(1, listed.get("alice+v"), listed.toString());
            assertTrue(listed.getOrDefault("anonymous", 0) >= 1, listed.toString());
            assertFalse(listed.containsKey(imitation), listed.toString());
            impostor.sendRaw("{\"message\":\"hi\",\"user\":\"" + imitation + "\"}");
            JsonObject answer = impostor.next();
            while (answer.getBoolean("history", false)) {
                answer = impostor.next(); // the error came first, so the history stayed in the queue
            }
            assertEquals("invalid_name", answer.getString("code"), answer.toString());
            impostor.close();
        }
        ChatClient fair = join(one, "trust", "alicia");
        assertTrue(users(fair.joinPresence()).containsKey("alicia"));
    }

    @Test
    void aKilledNodesUsersLeaveTheOtherNodesListWithinTheBound() throws Exception {
        try (NodeProcess doomed = NodeProcess.start(cluster.environment())) {
            ChatClient observer = join(one, "crash", "stays");
            join(doomed.wsBase(), "crash", "kim");
            join(doomed.wsBase(), "crash", "lee");
            join(doomed.wsBase(), "crash", null);
            assertNotNull(observer.awaitPresence("join", "kim", ChatClient.TIMEOUT));
            assertNotNull(observer.awaitPresence("join", "lee", ChatClient.TIMEOUT));
            awaitConnections(one, "crash", "anonymous", 1);

            long killed = System.nanoTime();
            doomed.kill();
            Set<String> left = new java.util.HashSet<>();
            while (left.size() < 2) {
                JsonObject frame = observer.nextPresence(GHOST_BOUND.plusSeconds(5));
                assertEquals("leave", frame.getString("type"), frame.toString());
                left.add(frame.getString("user"));
            }
            Duration took = Duration.ofNanos(System.nanoTime() - killed);
            LOG.info(() -> "SIGKILLed node's users left the other node's list after " + took.toMillis() + " ms");
            System.out.println("PRESENCE-GHOST-MS " + getClass().getSimpleName() + " " + took.toMillis());
            assertEquals(Set.of("kim", "lee"), left);
            assertTrue(took.compareTo(GHOST_BOUND) <= 0, "ghosts stayed " + took);
            ChatClient later = join(two, "crash", "later");
            assertEquals(Map.of("stays", 1, "later", 1), users(later.joinPresence()));
        }
    }

    /** Joins fresh sockets until the list on join shows {@code user} with {@code connections} (excluding itself). */
    private void awaitConnections(ChatServer node, String room, String user, int connections) {
        long deadline = System.nanoTime() + ChatClient.TIMEOUT.toNanos();
        while (true) {
            try (ChatClient probe = ChatClient.join(node.wsBase(), room)) {
                Map<String, Integer> seen = users(probe.joinPresence());
                int expected = user.equals("anonymous") ? connections + 1 : connections;
                if (seen.getOrDefault(user, 0) == expected) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("The list never showed " + user + " with " + connections + ": " + seen);
                }
            }
        }
    }
}
