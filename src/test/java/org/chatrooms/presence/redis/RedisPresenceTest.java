package org.chatrooms.presence.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.chatrooms.presence.Member;
import org.chatrooms.presence.PresenceContractTest;
import org.chatrooms.presence.PresenceEntry;
import org.chatrooms.presence.PresenceEvent;
import org.chatrooms.relay.StreamRetention;
import org.chatrooms.relay.redis.RedisRelay;
import org.chatrooms.relay.redis.RedisRelayConfig;
import org.chatrooms.testing.RedisServer;
import org.chatrooms.testing.RelayThreadCheck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import redis.clients.jedis.Jedis;

/**
 * The presence contract for the Redis implementation against a real redis-server, plus what only several nodes
 * have: one list over both nodes, announcements on both, and a dead node's entries reaped within a heartbeat.
 * The nodes of one test share a key prefix; a heartbeat of 1 s keeps the reaping test short.
 * {@link SentinelRedisPresenceTest} and {@link ClusterRedisPresenceTest} run the same tests in the other two modes
 * (they hide {@link #startRedis} and {@link #stopRedis} and say where keys live).
 */
class RedisPresenceTest extends PresenceContractTest {

    protected static final Duration HEARTBEAT = Duration.ofSeconds(1);
    private static RedisServer redis;
    protected String prefix;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
        RelayThreadCheck.assertNoneAlive();
    }

    @BeforeEach
    void newPrefix() {
        prefix = "test-" + UUID.randomUUID() + ":";
    }

    /** The nodes' settings, in this class's Redis mode, under this test's prefix. */
    protected RedisRelayConfig config() {
        return RedisRelayConfig.parse(redis.url(), prefix);
    }

    /** An admin connection to the primary that holds {@code key}. */
    protected Jedis admin(String key) {
        return redis.admin();
    }

    /** Every primary (where INFO commandstats counts this test's commands). */
    protected List<RedisServer> primaries() {
        return List.of(redis);
    }

    @Override
    protected Node startNode() {
        RedisRelayConfig config = config();
        return new Node(new RedisRelay(config, StreamRetention.DEFAULT), relay -> new RedisPresence(config, HEARTBEAT));
    }

    private String members() {
        return prefix + "room:{lobby}:presence";
    }

    private String names() {
        return prefix + "room:{lobby}:names";
    }

    @Test
    void twoNodesShareOneListAndBothHearEveryChange() {
        Node a = node();
        Node b = node();
        Member bob = new Member("bob", false);
        a.presence.join(ROOM, bob);
        assertEquals(PresenceEvent.join(bob), a.nextEvent());
        assertEquals(PresenceEvent.join(bob), b.nextEvent());
        b.presence.join(ROOM, bob); // a second tab, on the other node: no join
        b.presence.join(ROOM, Member.ANONYMOUS).toCompletableFuture().join(); // b's calls run in order
        assertEquals(List.of(new PresenceEntry("anonymous", false, 1), new PresenceEntry("bob", false, 2)), list(a));
        a.presence.leave(ROOM, bob).toCompletableFuture().join();
        a.assertNoEvent();
        b.assertNoEvent();
        b.presence.leave(ROOM, bob);
        assertEquals(PresenceEvent.leave(bob), a.nextEvent());
        assertEquals(PresenceEvent.leave(bob), b.nextEvent());
    }

    @Test
    void aDeadNodesMembersLeaveWithinTheGhostBound() {
        Node survivor = node();
        Member ghost = new Member("ghost", false);
        Member shared = new Member("shared", false);
        survivor.presence.join(ROOM, shared);
        assertEquals(PresenceEvent.join(shared), survivor.nextEvent());
        // A node that died a moment ago: its deadline passed, its entries are still in the room.
        try (var nodes = admin(prefix + "nodes"); var room = admin(members())) {
            long now = Long.parseLong(nodes.time().get(0)) * 1000;
            nodes.zadd(prefix + "nodes", now - 1, "deadbeef");
            room.hset(members(), "deadbeef|0|ghost", "2");
            room.hset(names(), "0|ghost", "2");
            room.hset(members(), "deadbeef|0|shared", "1");
            room.hincrBy(names(), "0|shared", 1);
        }
        long start = System.nanoTime();
        assertEquals(PresenceEvent.leave(ghost), survivor.nextEvent(Duration.ofSeconds(3)));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(HEARTBEAT.plusMillis(500)) < 0, "reaped after " + took);
        assertEquals(List.of(new PresenceEntry("shared", false, 1)), list(survivor));
        survivor.assertNoEvent(); // "shared" still has a connection on the survivor: no leave
    }

    /**
     * The costs docs/presence.md states, counted by Redis itself (INFO commandstats, this test's Redis has no
     * other client): a node hosting 500 rooms sends one command per heartbeat, and a join is one script call.
     */
    @Test
    void oneCommandPerHeartbeatWhateverTheRoomsAndOneScriptPerJoin() {
        Node node = node();
        RedisPresence presence = (RedisPresence) node.presence;
        List<org.chatrooms.room.RoomName> rooms = new java.util.ArrayList<>();
        for (int i = 0; i < 500; i++) {
            org.chatrooms.room.RoomName room = org.chatrooms.room.RoomName.parse("cost" + i).orElseThrow();
            rooms.add(room);
            presence.join(room, new Member("user" + i, false));
            presence.join(room, Member.ANONYMOUS);
        }
        list(node); // all joins done
        {
            long beatsBefore = presence.heartbeats();
            Map<String, Long> before = calls();
            org.chatrooms.testing.Eventually.until("3 heartbeats", Duration.ofSeconds(10),
                    () -> presence.heartbeats() >= beatsBefore + 3);
            Map<String, Long> after = calls();
            long beats = presence.heartbeats() - beatsBefore;
            long sent = after.getOrDefault("evalsha", 0L) - before.getOrDefault("evalsha", 0L)
                    + after.getOrDefault("eval", 0L) - before.getOrDefault("eval", 0L);
            System.out.println("PRESENCE-HEARTBEAT " + beats + " heartbeats, " + sent + " script calls, 500 rooms hosted;"
                    + " commands run inside: " + delta(before, after));
            assertTrue(sent <= beats + 1, sent + " calls for " + beats + " heartbeats"); // +1: one may land mid-read
            Map<String, Long> beforeJoin = calls();
            long beatsAtJoin = presence.heartbeats();
            presence.join(rooms.get(0), new Member("newcomer", false)).toCompletableFuture().join();
            Map<String, Long> afterJoin = calls();
            long joinBeats = presence.heartbeats() - beatsAtJoin;
            System.out.println("PRESENCE-JOIN " + delta(beforeJoin, afterJoin) + " (heartbeats meanwhile: "
                    + joinBeats + ")");
            if (joinBeats == 0) {
                assertEquals(1L, afterJoin.get("evalsha") - beforeJoin.getOrDefault("evalsha", 0L));
            }
        }
    }

    /** Commands run so far, by name, summed over every primary. */
    private Map<String, Long> calls() {
        Map<String, Long> calls = new java.util.TreeMap<>();
        for (RedisServer primary : primaries()) {
            String commandstats;
            try (var admin = primary.admin()) {
                commandstats = admin.info("commandstats");
            }
            for (String line : commandstats.split("\r?\n")) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("^cmdstat_([a-z|]+):calls=(\\d+)")
                        .matcher(line);
                if (m.find()) {
                    calls.merge(m.group(1), Long.parseLong(m.group(2)), Long::sum);
                }
            }
        }
        return calls;
    }

    private static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> delta = new java.util.TreeMap<>();
        after.forEach((command, n) -> {
            long d = n - before.getOrDefault(command, 0L);
            if (d > 0 && !command.equals("info")) {
                delta.put(command, d);
            }
        });
        return delta;
    }

    @Test
    void aNodeWhosePresenceRedisLostRegistersItAgain() {
        Node node = node();
        Member bob = new Member("bob", false);
        node.presence.join(ROOM, bob);
        assertEquals(PresenceEvent.join(bob), node.nextEvent());
        // As after a Redis restart without persistence: the node's heartbeat entry and the room's counts gone.
        try (var nodes = admin(prefix + "nodes"); var room = admin(members())) {
            nodes.del(prefix + "nodes");
            room.del(members(), names());
        }
        assertEquals(PresenceEvent.join(bob), node.nextEvent(HEARTBEAT.multipliedBy(10)));
        assertEquals(List.of(new PresenceEntry("bob", false, 1)), list(node));
    }

    /**
     * Redis (here: the server of the nodes' set) answering nobody for longer than the time to live, as during a
     * failover: when it is back, no node takes itself or another for dead (no leave, nobody registers again),
     * because every node alive before the silence has its deadline moved on by it.
     */
    @Test
    void aSilenceOfRedisItselfMakesNoLiveNodeDead() {
        Node a = node();
        Node b = node();
        Member bob = new Member("bob", false);
        b.presence.join(ROOM, bob);
        assertEquals(PresenceEvent.join(bob), a.nextEvent());
        assertEquals(PresenceEvent.join(bob), b.nextEvent());
        RedisPresence first = (RedisPresence) a.presence;
        RedisPresence second = (RedisPresence) b.presence;
        long pause = HEARTBEAT.multipliedBy(5).toMillis(); // over the 3-interval time to live
        try (var admin = admin(prefix + "nodes")) {
            admin.clientPause(pause);
        }
        long until = System.nanoTime() + pause * 1_000_000;
        long beatsA = first.heartbeats();
        long beatsB = second.heartbeats();
        org.chatrooms.testing.Eventually.until("two heartbeats each after the silence", Duration.ofSeconds(20),
                () -> System.nanoTime() > until && first.heartbeats() >= beatsA + 2 && second.heartbeats() >= beatsB + 2);
        assertEquals(List.of(new PresenceEntry("bob", false, 1)), list(a));
        a.assertNoEvent();
        b.assertNoEvent();
        // (Sentinel: the sentinels also fail the paused primary over; the nodes then rewrite their rooms, as they should.)
        assertEquals(0, first.rejoins() + second.rejoins(), "a node registered again: it was taken for dead");
    }

    @Test
    void aListLeavesOutNodesKnownDeadAndAStoppedNodeRemovesItsEntries() {
        Node a = node();
        Node b = node();
        Member bob = new Member("bob", false);
        b.presence.join(ROOM, bob);
        assertEquals(PresenceEvent.join(bob), a.nextEvent());
        b.close();
        assertEquals(PresenceEvent.leave(bob), a.nextEvent());
        assertEquals(List.of(), list(a));
    }
}
