package org.chatrooms.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.json.JsonObject;

import org.chatrooms.dev.ChatServer;
import org.chatrooms.testing.ChatClient;
import org.chatrooms.testing.ChatCluster;
import org.chatrooms.testing.Eventually;
import org.chatrooms.testing.RedisClusterSetup;
import org.chatrooms.testing.RedisDeployment;
import org.chatrooms.testing.RedisSentinelSetup;
import org.chatrooms.testing.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import redis.clients.jedis.Jedis;

/**
 * Presence while the Redis primary that holds a room is SIGKILLed, two nodes of the built WAR with people in the
 * room on both: after the promotion, the list on each node is right again (nobody missing, no ghost) within
 * {@link #HEALED_WITHIN} of the kill, and no live user was announced as leaving meanwhile (a heartbeat lost during
 * the failover does not make a live node dead). Default heartbeat (3 s). Prints how long the lists took.
 *
 * <ul>
 *   <li>Cluster: the room is chosen on the shard that also holds the nodes' liveness set ({@code <prefix>nodes}),
 *       so the failover takes both the room's keys and every heartbeat away at once.</li>
 *   <li>Sentinel: before the kill, the replica is made to lack the last writes, as a replica promoted before
 *       they reached it would (one member's join and another's leave): the nodes see the new primary serves other
 *       data and write their entries again.</li>
 * </ul>
 */
@Timeout(180)
class PresenceFailoverHA {

    /** Promotion (about 2 to 5 s here), then the next heartbeat's data check (3 s), with room to spare. */
    private static final Duration HEALED_WITHIN = Duration.ofSeconds(20);

    private final List<ChatClient> clients = new ArrayList<>();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private int markers;

    @AfterEach
    void stop() throws Exception {
        clients.forEach(ChatClient::close);
        Exception failure = null;
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception e) {
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Test
    void clusterShardFailoverKeepsTheListRightOnBothNodes() {
        RedisClusterSetup redis = RedisClusterSetup.start();
        ChatCluster nodes = nodesOver(RedisDeployment.cluster(redis));
        int nodesSlot = redis.slotOf(nodes.prefix() + "nodes");
        RedisServer home = redis.ownerOf(nodesSlot);
        String room = null;
        for (int i = 0; room == null; i++) {
            String candidate = "shard" + i;
            if (redis.ownerOf(redis.slotOf(nodes.channel(candidate))).port() == home.port()) {
                room = candidate;
            }
        }
        ChatServer one = nodes.startNode();
        ChatServer two = nodes.startNode();
        ChatClient alice = join(one, room, "alice");
        join(one, room, "bob");
        ChatClient carol = join(two, room, "carol");
        join(two, room, null);
        assertNotNull(alice.awaitPresence("join", "carol", ChatClient.TIMEOUT));
        Map<String, Integer> everyone = Map.of("alice", 1, "bob", 1, "carol", 1, "anonymous", 1);
        assertEquals(everyone, listOn(one, room), "before the failover");

        // The room's presence keys and its sharded channel are on the room's shard, and only there.
        String channel = nodes.channel(room);
        for (RedisServer primary : redis.primaries()) {
            boolean isHome = primary.port() == home.port();
            try (Jedis admin = primary.admin()) {
                assertEquals(isHome ? 2L : 0L, admin.pubsubShardNumSub(channel).get(channel),
                        "SHARDNUMSUB on " + primary.port());
                if (isHome) { // the other primaries answer MOVED for the room's keys
                    assertTrue(admin.hlen(channel + ":presence") >= 4, "the room's entries on its shard");
                    assertTrue(admin.exists(nodes.prefix() + "nodes"), "the nodes' set on the same shard");
                }
            }
        }
        redis.awaitReplicasInSync(Duration.ofSeconds(10));

        long killed = System.nanoTime();
        home.kill();
        redis.awaitNewOwner(nodesSlot, home, Duration.ofSeconds(30));
        long promoted = System.nanoTime();
        Duration healed = awaitLists(List.of(one, two), room, everyone, killed);
        report("Cluster", promoted - killed, healed);
        assertNoLeaves(alice, one, room);
        assertNoLeaves(carol, two, room);
    }

    @Test
    void sentinelFailoverToAReplicaThatLacksTheLastWritesHeals() {
        RedisSentinelSetup redis = RedisSentinelSetup.start();
        ChatCluster nodes = nodesOver(RedisDeployment.sentinel(redis));
        String room = "lobby";
        ChatServer one = nodes.startNode();
        ChatServer two = nodes.startNode();
        ChatClient alice = join(one, room, "alice");
        ChatClient bob = join(two, room, "bob");
        ChatClient carol = join(one, room, "carol");
        assertNotNull(bob.awaitPresence("join", "carol", ChatClient.TIMEOUT));
        RedisServer primary = redis.primary();
        String members = nodes.channel(room) + ":presence";
        String names = nodes.channel(room) + ":names";
        String carolsEntry;
        String bobsEntry;
        try (Jedis admin = primary.admin()) {
            Map<String, String> entries = admin.hgetAll(members);
            carolsEntry = entries.keySet().stream().filter(f -> f.endsWith("|0|carol")).findFirst().orElseThrow();
            bobsEntry = entries.keySet().stream().filter(f -> f.endsWith("|0|bob")).findFirst().orElseThrow();
        }
        carol.close();
        assertNotNull(bob.awaitPresence("leave", "carol", ChatClient.TIMEOUT));
        assertNotNull(alice.awaitPresence("leave", "carol", ChatClient.TIMEOUT));
        RedisServer replica = redis.replica();
        try (Jedis admin = replica.admin()) {
            Eventually.until("the replica applied carol's leave", Duration.ofSeconds(10),
                    () -> !admin.hexists(members, carolsEntry));
        }
        // The replica lacks the last writes: carol's leave (a ghost) and bob's join (missing).
        try (Jedis admin = replica.admin()) {
            admin.configSet("replica-read-only", "no"); // a replica's own writes are not sent back to the primary
            admin.hset(members, carolsEntry, "1");
            admin.hset(names, "0|carol", "1");
            admin.hdel(members, bobsEntry);
            admin.hdel(names, "0|bob");
        }
        Map<String, Integer> everyone = Map.of("alice", 1, "bob", 1);

        long killed = System.nanoTime();
        primary.kill();
        redis.awaitFailover(primary.port(), Duration.ofSeconds(30));
        long promoted = System.nanoTime();
        Duration healed = awaitLists(List.of(one, two), room, everyone, killed);
        report("Sentinel", promoted - killed, healed);
        // The data check announces what it rewrote (carol's ghost leaving) on the room's channel; a node whose
        // subscription is not back on the promoted replica yet misses it (pub/sub keeps nothing), so only the list
        // is asserted (above) and whether the leave was heard is reported.
        boolean heard = alice.awaitPresence("leave", "carol", Duration.ofSeconds(3)) != null;
        System.out.println("PRESENCE-FAILOVER Sentinel: carol's ghost leaving was " + (heard ? "" : "not ")
                + "announced to alice");
        assertNoLeaves(alice, one, room);
    }

    /** Nodes over {@code redis}; both are closed after the test, the nodes first. */
    private ChatCluster nodesOver(RedisDeployment redis) {
        toClose.add(redis);
        ChatCluster nodes = new ChatCluster(redis);
        toClose.add(nodes);
        return nodes;
    }

    private ChatClient join(ChatServer node, String room, String user) {
        ChatClient client = user == null ? ChatClient.join(node.wsBase(), room)
                : ChatClient.join(node.wsBase(), room, user);
        clients.add(client);
        return client;
    }

    /** Polls fresh anonymous sockets on every node until each one's list is {@code expected} (besides itself). */
    private static Duration awaitLists(List<ChatServer> nodes, String room, Map<String, Integer> expected,
                                       long since) {
        long deadline = since + HEALED_WITHIN.plusSeconds(10).toNanos();
        List<Map<String, Integer>> last = new ArrayList<>();
        for (ChatServer node : nodes) {
            while (true) {
                Map<String, Integer> seen;
                try {
                    seen = listOn(node, room);
                } catch (AssertionError | RuntimeException e) {
                    seen = Map.of("(no list: " + e.getMessage() + ")", 0); // the shard is still away
                }
                if (seen.equals(expected)) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("The list never became " + expected + "; last seen " + seen);
                }
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - since);
        assertTrue(took.compareTo(HEALED_WITHIN) <= 0, "lists right after " + took.toMillis() + " ms");
        return took;
    }

    /** The list a fresh anonymous socket on {@code node} gets, itself left out. */
    private static Map<String, Integer> listOn(ChatServer node, String room) {
        try (ChatClient probe = ChatClient.join(node.wsBase(), room)) {
            Map<String, Integer> users = probe.joinPresence().getJsonArray("users").getValuesAs(JsonObject.class)
                    .stream().collect(Collectors.toMap(u -> u.getString("user"), u -> u.getInt("connections")));
            users.computeIfPresent("anonymous", (name, n) -> n > 1 ? n - 1 : null);
            return users;
        }
    }

    /** No leave of anyone still connected reached {@code observer}, up to a marker joined now on its node. */
    private void assertNoLeaves(ChatClient observer, ChatServer node, String room) {
        String marker = "marker" + (++markers);
        join(node, room, marker);
        while (true) {
            JsonObject frame = observer.nextPresence();
            if ("join".equals(frame.getString("type")) && marker.equals(frame.getString("user"))) {
                return;
            }
            String user = frame.getString("user", "");
            assertTrue(!"leave".equals(frame.getString("type")) || user.equals("carol") || user.startsWith("marker"),
                    "a live user was announced as leaving: " + frame);
        }
    }

    private static void report(String mode, long promotionNanos, Duration healed) {
        System.out.println("PRESENCE-FAILOVER " + mode + ": primary SIGKILLed; promoted after "
                + promotionNanos / 1_000_000 + " ms; both nodes' lists right " + healed.toMillis()
                + " ms after the kill");
    }
}
