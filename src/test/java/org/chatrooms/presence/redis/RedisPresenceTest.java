package org.chatrooms.presence.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
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

/**
 * The presence contract for the Redis implementation against a real redis-server, plus what only several nodes
 * have: one list over both nodes, announcements on both, and a dead node's entries reaped within a heartbeat.
 * The nodes of one test share a key prefix; a heartbeat of 1 s keeps the reaping test short.
 */
class RedisPresenceTest extends PresenceContractTest {

    private static final Duration HEARTBEAT = Duration.ofSeconds(1);
    private static RedisServer redis;
    private String prefix;

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

    @Override
    protected Node startNode() {
        RedisRelayConfig config = RedisRelayConfig.parse(redis.url(), prefix);
        return new Node(new RedisRelay(config, StreamRetention.DEFAULT), relay -> new RedisPresence(config, HEARTBEAT));
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
        try (var admin = redis.admin()) {
            long now = Long.parseLong(admin.time().get(0)) * 1000;
            admin.zadd(prefix + "nodes", now - 1, "deadbeef");
            admin.hset(prefix + "room:{lobby}:presence", "deadbeef|0|ghost", "2");
            admin.hset(prefix + "room:{lobby}:names", "0|ghost", "2");
            admin.hset(prefix + "room:{lobby}:presence", "deadbeef|0|shared", "1");
            admin.hincrBy(prefix + "room:{lobby}:names", "0|shared", 1);
        }
        long start = System.nanoTime();
        assertEquals(PresenceEvent.leave(ghost), survivor.nextEvent(Duration.ofSeconds(3)));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(HEARTBEAT.plusMillis(500)) < 0, "reaped after " + took);
        assertEquals(List.of(new PresenceEntry("shared", false, 1)), list(survivor));
        survivor.assertNoEvent(); // "shared" still has a connection on the survivor: no leave
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
