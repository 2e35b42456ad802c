package org.chatrooms.presence.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.chatrooms.concurrent.OwnedThreads;
import org.chatrooms.presence.InMemoryPresence;
import org.chatrooms.presence.Member;
import org.chatrooms.presence.Presence;
import org.chatrooms.presence.PresenceEntry;
import org.chatrooms.presence.PresenceEvent;
import org.chatrooms.relay.RelayUnavailableException;
import org.chatrooms.relay.RoomEvents;
import org.chatrooms.relay.redis.LuaScript;
import org.chatrooms.relay.redis.RedisNodes;
import org.chatrooms.relay.redis.RedisRelayConfig;
import org.chatrooms.room.RoomName;

import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * Presence for several nodes, in Redis (docs/presence.md). Per room, a hash of {@code <node>|<v>|<user>} to
 * connections and one of {@code <v>|<user>} to the total ({@link PresenceKeys}): a join or leave is one script
 * ({@code change.lua}), O(1), which announces on the room's channel when a member's total leaves or reaches 0.
 * Liveness is per node, not per connection (Phoenix Tracker's way): every {@code heartbeat} the node puts its
 * deadline ({@code now + ttl}) into one sorted set and reads which deadlines passed, one command whatever its
 * rooms; a node that sees a new dead node reaps that node's entries from each room it hosts ({@code reap.lua},
 * one command per hosted room per death) and so announces their leaves. {@link #list} leaves dead nodes'
 * entries out (and reaps them). A restarted node has a new id, so nothing of the old one comes back.
 *
 * <p>Topologies: the calls go through {@link RedisNodes}, as the relay's do (one server, Sentinel asking the
 * sentinels again after a broken connection or a READONLY answer, Cluster routing by the room's hash tag); in a Cluster the scripts announce with SPUBLISH
 * on the room's sharded channel. After each heartbeat the node asks each server that holds its rooms which
 * history of data it serves ({@link RedisNodes#datasetOf}); where that changed since this node wrote a room (a
 * replica promoted, perhaps without the last writes; a restart without data), it makes its entries in the room
 * exactly what it holds again ({@code sync.lua}), announcing what had been lost.
 *
 * <p>Ghost bound: a node killed just after its heartbeat is listed until its deadline, {@code ttl} later, and
 * seen dead at the next heartbeat of another node, at most {@code heartbeat} after that: {@code ttl + heartbeat}
 * (12 s with the default 3 s heartbeat and 9 s ttl).
 *
 * <p>Threads: {@code chat-redis-presence-<node>-1} runs every call in the order made (so a connection's join
 * always precedes its leave), and what heartbeats found (reaping, registering again, the data check); public
 * methods only queue. {@code nodes} (thread-safe) is shared by both threads, two connections per server.
 * {@code chat-redis-presence-<node>-heartbeat-1} only sends the heartbeats, so a long queue of calls (a node's
 * sockets all coming back at once) cannot delay them into a false death; it hands its findings to the first
 * thread. The node's own counts ({@code local}) and which data its writes went to ({@code written},
 * {@code datasets}) are touched only on the first thread: the counts are re-registered under a new node id should
 * this node find itself declared dead (its heartbeats did not reach Redis for {@code ttl}), written again to a
 * room whose server lost them, and removed on {@link #close}.
 */
public final class RedisPresence implements Presence {

    private static final Logger LOG = Logger.getLogger(RedisPresence.class.getName());
    private static final LuaScript CHANGE = LuaScript.of(RedisPresence.class, "change.lua");
    private static final LuaScript REAP = LuaScript.of(RedisPresence.class, "reap.lua");
    private static final LuaScript HEARTBEAT = LuaScript.of(RedisPresence.class, "heartbeat.lua");
    private static final LuaScript RETIRE = LuaScript.of(RedisPresence.class, "retire.lua");
    private static final LuaScript SYNC = LuaScript.of(RedisPresence.class, "sync.lua");
    /** A room whose last write may not have reached Redis: the next check writes it again. */
    private static final String UNSURE = "";
    /** Calls waiting for Redis; beyond this presence changes are refused (and logged) rather than memory grow. */
    static final int QUEUE_CAPACITY = 10_000;
    /** How long a room's presence keys live after their last change. */
    static final Duration KEY_TTL = Duration.ofDays(1);
    /** Dead nodes stay in the sorted set longer than any room's presence lives. */
    static final Duration KEEP_DEAD = KEY_TTL.plusHours(1);

    private final PresenceKeys keys;
    private final Duration heartbeat;
    private final Duration ttl;
    private final RedisNodes nodes;
    /** Cluster: announcements go out with SPUBLISH on the room's sharded channel ('1' to the scripts). */
    private final String sharded;
    private final OwnedThreads threads;
    private final ScheduledThreadPoolExecutor executor;
    private final OwnedThreads beatThreads;
    private final ScheduledThreadPoolExecutor beats;
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong heartbeats = new AtomicLong();
    private final AtomicLong reaps = new AtomicLong();
    private final AtomicLong syncs = new AtomicLong();
    private final AtomicLong rejoins = new AtomicLong();
    private Supplier<Collection<RoomName>> hostedRooms = List::of;
    /** This node's id in Redis; changed (on the presence thread) only when the node registers again. */
    private volatile String nodeId = newNodeId();
    /** The last id whose heartbeat reached Redis: its entry missing later means Redis lost it. */
    private volatile String beatenId;
    private volatile boolean failing;
    // Presence thread only:
    private final Map<RoomName, Map<Member, Integer>> local = new HashMap<>();
    private Set<String> knownDead = Set.of();
    /**
     * Rooms this node wrote since the last check, and those it holds connections in, each with the dataset
     * ({@link RedisNodes#datasetOf}) its writes there went to, or {@link #UNSURE}.
     */
    private final Map<RoomName, String> written = new HashMap<>();
    /** The dataset each server (shard) served at the last check. */
    private final Map<Object, String> datasets = new HashMap<>();

    /**
     * @param heartbeat how often this node proves it lives; its entries count as gone {@code 3 * heartbeat}
     *                  after its last heartbeat
     */
    public RedisPresence(RedisRelayConfig config, Duration heartbeat) {
        this.keys = new PresenceKeys(config.prefix());
        this.heartbeat = heartbeat;
        this.ttl = heartbeat.multipliedBy(3);
        String name = "chat-redis-presence-" + nodeId;
        // Two connections (per server): the presence thread's and the heartbeat thread's.
        this.nodes = new RedisNodes(config, "chat-" + nodeId + "-presence", RedisNodes.pool(config, 2));
        this.sharded = nodes.isCluster() ? "1" : "0";
        this.threads = new OwnedThreads(name);
        this.executor = new ScheduledThreadPoolExecutor(1, threads);
        this.beatThreads = new OwnedThreads(name + "-heartbeat");
        this.beats = new ScheduledThreadPoolExecutor(1, beatThreads);
        beats.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /** The time a dead node's members may still be listed: {@code ttl + heartbeat}. */
    public Duration ghostBound() {
        return ttl.plus(heartbeat);
    }

    /** Heartbeat commands sent so far (one per interval). */
    public long heartbeats() {
        return heartbeats.get();
    }

    /** Rooms whose entries this node wrote again because their server had changed data (or it took a new id). */
    public long syncs() {
        return syncs.get();
    }

    /** Times this node found itself taken for dead (or lost by Redis) and registered again under a new id. */
    public long rejoins() {
        return rejoins.get();
    }

    @Override
    public void start(Supplier<Collection<RoomName>> hostedRooms) {
        this.hostedRooms = hostedRooms;
        LOG.info(() -> "Redis presence " + nodeId + " starting: heartbeat every " + heartbeat + ", ghosts gone within "
                + ghostBound());
        executor.prestartAllCoreThreads(); // both threads exist from the start: what runs is what a reader sees
        beats.scheduleWithFixedDelay(this::beat, 0, heartbeat.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public CompletionStage<Void> join(RoomName room, Member member) {
        return call(() -> {
            local.computeIfAbsent(room, r -> new HashMap<>()).merge(member, 1, Integer::sum);
            change(room, member, 1);
            return null;
        });
    }

    @Override
    public CompletionStage<Void> leave(RoomName room, Member member) {
        return call(() -> {
            Map<Member, Integer> counts = local.get(room);
            if (counts == null || !counts.containsKey(member)) {
                return null; // never joined here
            }
            counts.computeIfPresent(member, (m, n) -> n > 1 ? n - 1 : null);
            if (counts.isEmpty()) {
                local.remove(room);
            }
            change(room, member, -1);
            return null;
        });
    }

    @Override
    public CompletionStage<List<PresenceEntry>> list(RoomName room) {
        return call(() -> {
            Map<String, String> fields = nodes.commands().hgetAll(keys.members(room));
            Map<Member, Integer> counts = new HashMap<>();
            Set<String> ghosts = new HashSet<>();
            fields.forEach((field, value) -> {
                String[] parts = field.split("\\|", 3);
                if (parts.length != 3) {
                    return;
                }
                if (knownDead.contains(parts[0])) {
                    ghosts.add(parts[0]);
                    return;
                }
                counts.merge(new Member(parts[2], parts[1].equals("1")), Integer.parseInt(value), Integer::sum);
            });
            if (!ghosts.isEmpty()) {
                reap(room, ghosts);
            }
            return InMemoryPresence.merge(counts);
        });
    }

    @Override
    public void close() {
        beatThreads.shutdown(beats, OwnedThreads.STOP_TIMEOUT);
        // Queued behind the leaves of the sockets the node closed: whatever is left is this node's to remove.
        CompletableFuture<Void> retired = this.<Void>call(() -> {
            for (Map.Entry<RoomName, Map<Member, Integer>> room : local.entrySet()) {
                room.getValue().forEach((member, count) -> change(room.getKey(), member, -count));
            }
            local.clear();
            run(RETIRE, List.of(keys.nodes()), List.of(nodeId));
            return null;
        }).toCompletableFuture();
        try {
            retired.get(OwnedThreads.STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.log(Level.WARNING, "Presence of node " + nodeId + " not removed from Redis on stop; other nodes "
                    + "drop it within " + ghostBound(), e);
        }
        threads.shutdown(executor, OwnedThreads.STOP_TIMEOUT);
        nodes.close();
    }

    // ---- presence thread ----

    private void change(RoomName room, Member member, int delta) {
        String name = field(member);
        boolean announced = !member.isAnonymous();
        try {
            if (!written.containsKey(room)) {
                written.put(room, datasetNow(room));
            }
            run(CHANGE, List.of(keys.members(room), keys.names(room)), List.of(nodeId + "|" + name, name,
                    Integer.toString(delta), keys.channel(room),
                    announced ? RoomEvents.REDIS_MARKER + PresenceEvent.join(member).encode() : "",
                    announced ? RoomEvents.REDIS_MARKER + PresenceEvent.leave(member).encode() : "",
                    Long.toString(KEY_TTL.toMillis()), sharded));
        } catch (JedisException e) {
            written.put(room, UNSURE); // perhaps applied, perhaps not: the next check that reaches Redis makes it so
            throw e;
        }
    }

    /** The dataset the server holding {@code room} served at the last check, or as it answers now. */
    private String datasetNow(RoomName room) {
        String sample = keys.members(room);
        Object shard = nodes.shardOf(sample);
        String known = datasets.get(shard);
        if (known == null) {
            known = nodes.datasetOf(sample);
            datasets.put(shard, known);
        }
        return known;
    }

    /**
     * Asks each server that holds a room this node wrote which data it serves (one command per server, not per
     * room); a room whose server serves other data than the one this node's writes went to (a replica promoted
     * without the last of them, a restart without persistence, or a write that failed) gets this node's entries
     * written again. Rooms this node no longer holds anything in are checked once more, then forgotten: their last
     * leave is then known to have stayed.
     */
    private void checkDatasets() {
        if (written.isEmpty()) {
            return;
        }
        Map<Object, List<RoomName>> byShard = new HashMap<>();
        for (RoomName room : written.keySet()) {
            byShard.computeIfAbsent(nodes.shardOf(keys.members(room)), s -> new ArrayList<>()).add(room);
        }
        datasets.clear();
        for (Map.Entry<Object, List<RoomName>> shard : byShard.entrySet()) {
            String now;
            try {
                now = nodes.datasetOf(keys.members(shard.getValue().get(0)));
            } catch (JedisException e) {
                nodes.refreshSlots(); // it may have failed over: the next check asks the new primary
                failed("data check", e);
                continue;
            }
            datasets.put(shard.getKey(), now);
            for (RoomName room : shard.getValue()) {
                if (!now.equals(written.get(room))) {
                    sync(room);
                }
                if (local.containsKey(room)) {
                    written.put(room, now);
                } else {
                    written.remove(room);
                }
            }
        }
    }

    /** Makes this node's entries in {@code room} exactly its local counts, announcing what that changes. */
    private void sync(RoomName room) {
        List<String> args = new ArrayList<>(List.of(nodeId, keys.channel(room), RoomEvents.REDIS_MARKER, sharded,
                Long.toString(KEY_TTL.toMillis())));
        local.getOrDefault(room, Map.of()).forEach((member, count) -> {
            args.add(field(member));
            args.add(Integer.toString(count));
        });
        Object changed = run(SYNC, List.of(keys.members(room), keys.names(room)), args);
        syncs.incrementAndGet();
        if (!Long.valueOf(0).equals(changed)) {
            LOG.info(() -> "Presence: Redis had lost " + changed + " of this node's entries in room " + room
                    + "; written again");
        }
    }

    private static String field(Member member) {
        return (member.verified() ? "1|" : "0|") + member.user();
    }

    // ---- heartbeat thread: never waits behind the presence calls, so a busy node is not taken for dead ----

    private void beat() {
        try {
            String id = nodeId;
            List<?> fields = heartbeat(id);
            heartbeats.incrementAndGet();
            boolean lapsed = Long.valueOf(1).equals(fields.get(1));
            Set<String> dead = new HashSet<>();
            for (Object dying : (List<?>) fields.get(2)) {
                dead.add(text(dying));
            }
            executor.execute(() -> afterBeat(id, lapsed, dead));
            recovered();
        } catch (JedisException e) {
            failed("heartbeat", e);
        } catch (RejectedExecutionException e) {
            // closing: the presence thread takes no more work
        } catch (RuntimeException e) {
            // A periodic task that throws is never run again: heartbeats must survive anything.
            LOG.log(Level.SEVERE, "Presence heartbeat failed", e);
        }
    }

    private List<?> heartbeat(String id) {
        List<?> reply = (List<?>) run(HEARTBEAT, List.of(keys.nodes()), List.of(id, Long.toString(ttl.toMillis()),
                Long.toString(KEEP_DEAD.toMillis()), id.equals(beatenId) ? "1" : "0",
                Long.toString(heartbeat.multipliedBy(2).toMillis())));
        beatenId = id;
        return reply;
    }

    // ---- presence thread: acting on what heartbeats found ----

    /** What a heartbeat found: this node lapsed (register again), or which nodes are dead (reap the new ones). */
    private void afterBeat(String id, boolean lapsed, Set<String> dead) {
        try {
            if (lapsed) {
                if (id.equals(nodeId)) {
                    rejoin();
                }
                return; // an id this node already left behind
            }
            checkDatasets();
            Set<String> fresh = new HashSet<>(dead);
            fresh.removeAll(knownDead);
            knownDead = dead;
            if (!fresh.isEmpty()) {
                int rooms = 0;
                for (RoomName room : hostedRooms.get()) {
                    reap(room, fresh);
                    rooms++;
                }
                int checked = rooms;
                LOG.info(() -> "Node(s) " + fresh + " stopped heartbeating; their members left " + checked
                        + " room(s) hosted here");
            }
        } catch (JedisException e) {
            failed("reaping", e);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "Presence could not act on a heartbeat", e);
        }
    }

    /**
     * Other nodes took this one for dead (its heartbeats did not reach Redis for {@code ttl}) and may have
     * reaped its entries, or Redis lost its data (a restart without persistence): its connections are
     * registered again under a new id, announcing them where needed.
     */
    private void rejoin() {
        String old = nodeId;
        run(RETIRE, List.of(keys.nodes()), List.of(old));
        nodeId = newNodeId();
        rejoins.incrementAndGet();
        LOG.warning(() -> "Presence: this node's heartbeats did not reach Redis in time and it was taken for dead, "
                + "or Redis lost it; its connections are registered again as node " + nodeId + " (was " + old + ")");
        heartbeat(nodeId);
        // The new id has no entries yet: every room is written (all its counts, one command) by the check, which
        // leaves a room it could not reach for the next one.
        local.keySet().forEach(room -> written.put(room, UNSURE));
        checkDatasets();
    }

    private void reap(RoomName room, Set<String> dead) {
        List<String> args = new ArrayList<>(dead.size() + 3);
        args.add(keys.channel(room));
        args.add(RoomEvents.REDIS_MARKER);
        args.add(sharded);
        args.addAll(dead);
        run(REAP, List.of(keys.members(room), keys.names(room)), args);
        reaps.incrementAndGet();
    }

    private Object run(LuaScript script, List<String> keyNames, List<String> args) {
        try {
            return nodes.commands().evalsha(script.sha(), keyNames, args);
        } catch (JedisNoScriptException e) {
            // Redis restarted or failed over (in a Cluster: this room's shard): EVAL caches it again
            return nodes.commands().eval(script.text(), keyNames, args);
        }
    }

    private <T> CompletableFuture<T> call(Callable<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (queued.incrementAndGet() > QUEUE_CAPACITY) {
            queued.decrementAndGet();
            result.completeExceptionally(new RelayUnavailableException("presence is overloaded"));
            return result;
        }
        try {
            executor.execute(() -> {
                queued.decrementAndGet();
                try {
                    result.complete(work.call());
                    recovered();
                } catch (JedisException e) {
                    failed("presence call", e);
                    result.completeExceptionally(new RelayUnavailableException("presence is unavailable", e));
                } catch (Exception e) {
                    LOG.log(Level.SEVERE, "Unexpected presence failure", e);
                    result.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            queued.decrementAndGet();
            result.completeExceptionally(new RelayUnavailableException("server is shutting down", e));
        }
        return result;
    }

    private void failed(String what, JedisException e) {
        if (String.valueOf(e.getMessage()).startsWith("READONLY")) {
            nodes.primaryMayHaveMoved(); // Sentinel: a demoted primary; the next call asks the sentinels again
        }
        if (!failing) {
            failing = true;
            LOG.log(Level.WARNING, "Presence " + what + " failed (" + e.getMessage() + "); lists and join/leave "
                    + "announcements may be incomplete until Redis answers again", e);
        } else {
            LOG.log(Level.FINE, "Presence " + what + " failed again", e);
        }
    }

    private void recovered() {
        if (failing) {
            failing = false;
            LOG.info("Presence reaches Redis again");
        }
    }

    private static String newNodeId() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }

    private static String text(Object value) {
        return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value);
    }
}
