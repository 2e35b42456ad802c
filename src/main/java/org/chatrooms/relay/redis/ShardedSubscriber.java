package org.chatrooms.relay.redis;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.chatrooms.concurrent.OwnedThreads;

import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;

/**
 * The node's rooms in a Redis Cluster, with sharded pub/sub: each room's channel is subscribed with SSUBSCRIBE on
 * the primary that owns the room's slot, so a room's traffic stays on its shard (classic PUBLISH would go to
 * every shard over the cluster bus). One {@link ShardLink} (one connection, one reader thread) per primary that
 * owns at least one of this node's rooms; a node hosting no room of a shard has no connection to it, and a link
 * whose last room left is closed.
 *
 * <p>Routing follows the cluster: when a link's connection fails (the shard's primary died), when Redis takes a
 * subscription away ({@code sunsubscribe} nobody asked for: its slot moved) or when a call was MOVED, the slots
 * are learnt again and each room goes to the primary that owns it now. The new connection subscribes it, the
 * dispatcher sees the room confirmed on a new generation and catches it up from its history. Rooms of the other
 * shards are not touched.
 *
 * <p>Threads, owned here and stopped by {@link #close}: {@code chat-redis-control-<node>} makes every decision
 * (routing, links opened and closed, SSUBSCRIBE/SUNSUBSCRIBE, a PING per link every ping interval, dropping a link
 * silent for the silence limit); each link's {@code chat-redis-shard-<port>-<node>} only connects and reads.
 * Public methods queue onto the control thread and never block on the network.
 */
final class ShardedSubscriber implements RoomSubscriber {

    private static final Logger LOG = Logger.getLogger(ShardedSubscriber.class.getName());
    /** Liveness checks (one per ping interval) between two slot refreshes while every link is up. */
    private static final int CHECKS_PER_SLOT_REFRESH = 5;

    private final RedisRelayConfig config;
    private final RedisNodes nodes;
    private final String nodeId;
    private final JedisClientConfig clientConfig;
    private final Supplier<Collection<String>> wantedChannels;
    private final Runnable onReconnected;
    private final SubscriberConnection.Inbox inbox;
    private final ScheduledThreadPoolExecutor control;
    /** Unique over all links of this node, so a room confirmed on a new connection is seen as re-subscribed. */
    private final AtomicLong generations = new AtomicLong();
    /** Which link carries each wanted channel; written on the control thread, read by any. */
    private final Map<String, ShardLink> routes = new ConcurrentHashMap<>();
    // Control thread only: the links by the primary they connect to.
    private final Map<HostAndPort, ShardLink> links = new HashMap<>();
    private volatile boolean running;
    // Control thread only: liveness checks since the slots were last refreshed by them.
    private int checksSinceRefresh;
    /** With no links, whether the cluster answered the last slot refresh (readiness of an idle node). */
    private volatile boolean clusterAnswers;

    ShardedSubscriber(RedisRelayConfig config, RedisNodes nodes, String nodeId,
                      Supplier<Collection<String>> wantedChannels, Runnable onReconnected,
                      SubscriberConnection.Inbox inbox) {
        this.config = config;
        this.nodes = nodes;
        this.nodeId = nodeId;
        this.clientConfig = config.clientConfig("chat-" + nodeId + "-subscriber");
        this.wantedChannels = wantedChannels;
        this.onReconnected = onReconnected;
        this.inbox = inbox;
        this.control = ControlThread.create(nodeId);
    }

    @Override
    public void start() {
        running = true;
        long ping = config.timings().pingInterval().toMillis();
        control.scheduleWithFixedDelay(this::checkLiveness, ping, ping, TimeUnit.MILLISECONDS);
        // Learnt here rather than on the control thread, so readiness is right from the first handshake; with no
        // seed answering this costs at most a connect timeout per seed, and the node starts not ready.
        clusterAnswers = nodes.refreshSlots();
        onControl(this::rerouteAll);
    }

    @Override
    public void subscribe(String channel) {
        onControl(() -> route(channel));
    }

    @Override
    public void unsubscribe(String channel) {
        onControl(() -> {
            ShardLink link = routes.remove(channel);
            if (link != null) {
                link.remove(channel);
                closeIfEmpty(link);
            }
        });
    }

    @Override
    public long liveGeneration(String channel) {
        ShardLink link = routes.get(channel);
        return link == null ? 0 : link.liveGeneration(config.timings().silenceLimit());
    }

    /**
     * The node's readiness in a Cluster: one shard being down (its rooms refuse posts, room by room, through
     * {@link #liveGeneration}) must not take every node out of the load balancer, so the node is live while any of
     * its shard connections is, or none has failed yet (a link still making its first connection: the room's join
     * waits for its own confirmation); with no room at all, while the cluster answered the last slot refresh.
     */
    @Override
    public boolean isLive() {
        if (!running) {
            return false;
        }
        Collection<ShardLink> used = Set.copyOf(routes.values());
        if (used.isEmpty()) {
            return clusterAnswers;
        }
        boolean anyFailed = false;
        for (ShardLink link : used) {
            if (link.liveGeneration(config.timings().silenceLimit()) != 0) {
                return true;
            }
            anyFailed |= link.hasFailed() || link.wasLive();
        }
        return !anyFailed;
    }

    @Override
    public void close() {
        running = false;
        control.shutdownNow();
        ControlThread.awaitStopped(control);
        // The control thread has stopped: nothing else touches the links now.
        for (ShardLink link : List.copyOf(links.values())) {
            link.stop();
        }
        for (ShardLink link : List.copyOf(links.values())) {
            link.join(config.timings().ioTimeout().multipliedBy(2));
        }
        links.clear();
        routes.clear();
    }

    // ---- control thread ----

    private void onControl(Runnable task) {
        try {
            control.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.log(Level.SEVERE, "Unexpected failure routing the Redis Cluster subscriptions", e);
                }
            });
        } catch (RejectedExecutionException closing) {
            // the relay is closing: the links go, and with them every subscription
        }
    }

    /** Sends {@code channel} to the link of the primary that owns its slot now, moving it if it was elsewhere. */
    private void route(String channel) {
        if (!running) {
            return;
        }
        HostAndPort owner;
        try {
            owner = nodes.primaryOf(RedisNodes.slotOf(channel));
        } catch (RuntimeException e) {
            owner = null;
        }
        ShardLink current = routes.get(channel);
        if (owner == null) {
            // No known owner (the slot's primary failed and no replica took over yet): keep what we have; the
            // next failure or liveness check routes it again.
            return;
        }
        if (current != null && current.address().equals(owner)) {
            current.add(channel); // already there (a join after a leave, or a re-route that changed nothing)
            return;
        }
        if (current != null) {
            current.remove(channel);
            closeIfEmpty(current);
        }
        ShardLink target = links.computeIfAbsent(owner, this::openLink);
        routes.put(channel, target);
        target.add(channel);
    }

    private ShardLink openLink(HostAndPort address) {
        ShardLink link = new ShardLink(address, nodeId, clientConfig, generations, config.timings(), inbox,
                new ShardLink.Events() {
                    @Override
                    public void connected(ShardLink which, boolean afterFailure) {
                        onControl(() -> {
                            which.subscribeAll();
                            if (afterFailure) {
                                // The shard restarted or failed over: pooled connections to it may be dead.
                                onReconnected.run();
                            }
                        });
                    }

                    @Override
                    public void lost(ShardLink which) {
                        onControl(() -> reroute(which));
                    }

                    @Override
                    public void takenAway(ShardLink which, String channel) {
                        onControl(() -> {
                            // Redis sunsubscribed a channel we still want: its slot moved to another shard.
                            nodes.refreshSlots();
                            if (channel == null) {
                                reroute(which);
                            } else if (routes.get(channel) == which) {
                                which.forget(channel);
                                routes.remove(channel);
                                route(channel);
                            }
                        });
                    }
                });
        link.start();
        return link;
    }

    /** A link lost its connection: learn the slots again, move its rooms to their owners now. */
    private void reroute(ShardLink link) {
        if (!running) {
            return;
        }
        nodes.refreshSlots();
        for (String channel : link.channels()) {
            route(channel);
        }
    }

    /** At start and after the control thread was idle: every wanted room on its shard. */
    private void rerouteAll() {
        for (String channel : wantedChannels.get()) {
            route(channel);
        }
    }

    /**
     * A primary that hands its slots over while alive ({@code CLUSTER FAILOVER}) keeps its links open and
     * answering pings, and Redis 7.0 does not take the sharded subscriptions away: the rooms would stay on a
     * replica that hears none of their posts ("no server is connected" for every one). So every room follows the
     * slot cache (learnt again after a MOVED post and every few checks); rooms already on their owner stay put.
     */
    private void followSlotOwners() {
        if (++checksSinceRefresh >= CHECKS_PER_SLOT_REFRESH) {
            checksSinceRefresh = 0;
            nodes.refreshSlots();
        }
        for (String channel : List.copyOf(routes.keySet())) {
            route(channel);
        }
    }

    private void closeIfEmpty(ShardLink link) {
        if (link.isEmpty()) {
            links.remove(link.address(), link);
            link.stop();
        }
    }

    private void checkLiveness() {
        try {
            for (ShardLink link : List.copyOf(links.values())) {
                link.pingOrDrop(config.timings().silenceLimit());
                link.resubscribeMissing();
            }
            // Rooms whose slot had no known owner when they were joined (mid-failover) are routed now.
            List<String> unrouted = wantedChannels.get().stream().filter(c -> !routes.containsKey(c)).toList();
            if (!unrouted.isEmpty()) {
                nodes.refreshSlots();
                unrouted.forEach(this::route);
            }
            if (links.isEmpty()) {
                clusterAnswers = nodes.refreshSlots();
            } else {
                // Links that are down keep asking where their rooms are now (the shard may have failed over).
                List<ShardLink> down = new ArrayList<>();
                for (ShardLink link : links.values()) {
                    if (link.liveGeneration(config.timings().silenceLimit()) == 0 && link.hasFailed()) {
                        down.add(link);
                    }
                }
                if (!down.isEmpty()) {
                    nodes.refreshSlots();
                    for (ShardLink link : down) {
                        for (String channel : link.channels()) {
                            route(channel);
                        }
                    }
                }
                followSlotOwners();
            }
        } catch (RuntimeException e) {
            // A periodic task that throws is never run again: liveness checks must survive anything.
            LOG.log(Level.SEVERE, "Redis Cluster liveness check failed", e);
        }
    }
}
