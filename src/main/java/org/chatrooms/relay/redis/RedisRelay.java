package org.chatrooms.relay.redis;

import java.util.Collection;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

import org.chatrooms.metrics.ChatMetrics;
import org.chatrooms.protocol.ChatMessage;
import org.chatrooms.protocol.ChatPost;
import org.chatrooms.relay.Relay;
import org.chatrooms.relay.History;
import org.chatrooms.relay.HistoryFilter;
import org.chatrooms.relay.RelayListener;
import org.chatrooms.relay.RelayUnavailableException;
import org.chatrooms.relay.StreamRetention;
import org.chatrooms.relay.redis.JoinedRooms.RoomState;
import org.chatrooms.room.RoomName;


/**
 * The relay for several nodes: every node publishes to Redis and receives, through one subscribed connection, the
 * messages of the rooms it has sockets in (what {@code channels_redis} does for Django Channels). Each room is a
 * stream kept in Redis (docs/streams.md, {@link RedisKeys}).
 *
 * <p>How a message travels: the sender's node queues the post ({@link ScriptPipeline}); its publisher thread runs
 * {@code publish.lua}, which numbers it in the room's stream, appends it to the room's history and publishes it on
 * the room's channel in one atomic step; every node subscribed to that channel, the sender's included, reads it on
 * its subscriber thread ({@link SubscriberConnection}), which calls the {@link RelayListener} itself when nothing
 * is queued, else queues it for its dispatch thread, which does ({@link RedisDispatcher}). The sender's echo is thus its acknowledgement,
 * and nothing is delivered locally twice.
 *
 * <p>Threads, all named {@code chat-redis-<role>-<node id>}, started by {@link #start} and stopped and joined by
 * {@link #close}: {@code subscriber} (reads Redis), {@code control} (writes subscriptions and pings),
 * {@code publisher} (runs the scripts for posts and history reads), {@code dispatch} (calls the listener). Public
 * methods are thread-safe and never block on the network.
 *
 * <p>Modes ({@link RedisTopology}, docs/redis-relay.md): one server or Sentinel use one subscribed connection
 * ({@link RedisSubscriber}); a Cluster one sharded connection per shard owning a joined room
 * ({@link ShardedSubscriber}). {@link RedisNodes} holds what differs; everything else is shared.
 *
 * <p>Faults: while the subscribed connection is down, or a room's subscription is not yet confirmed on it,
 * {@link #publish} fails at once with {@link RelayUnavailableException} (the sender would not get the echo); the
 * subscriber reconnects with backoff and re-subscribes every joined room, then catches up from each room's
 * history what other nodes published while it was away (Redis pub/sub keeps nothing for a disconnected
 * subscriber); positions make sure nothing is delivered twice, and what the history lost is reported as a gap.
 */
public final class RedisRelay implements Relay {

    private static final Logger LOG = Logger.getLogger(RedisRelay.class.getName());
    /** Pooled connections: the publisher thread's, and the dispatch thread's for catching up after reconnects. */
    private static final int POOL_SIZE = 2;

    private final RedisRelayConfig config;
    private final StreamRetention retention;
    private final String nodeId;
    private final RedisKeys keys;
    private final StreamScripts scripts;
    private final ChatMetrics metrics;
    private final EpochRotations rotations;
    private final AtomicBoolean everConnected = new AtomicBoolean();
    private final JoinedRooms rooms = new JoinedRooms();
    private final RedisNodes nodes;
    private final ScriptPipeline pipeline;
    private volatile RoomSubscriber subscriber;
    private volatile RedisDispatcher dispatcher;
    private volatile boolean closed;

    public RedisRelay(RedisRelayConfig config, StreamRetention retention) {
        this(config, retention, ChatMetrics.NONE);
    }

    public RedisRelay(RedisRelayConfig config, StreamRetention retention, ChatMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
        this.rotations = new EpochRotations(metrics);
        this.retention = retention;
        this.nodeId = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        this.keys = new RedisKeys(config.prefix());
        this.nodes = new RedisNodes(config, "chat-" + nodeId + "-publisher", RedisNodes.pool(config, POOL_SIZE));
        this.scripts = new StreamScripts(keys, retention, rotations, nodes.isCluster());
        this.pipeline = new ScriptPipeline(nodeId, nodes, scripts, () -> isSubscribed(),
                config.timings().pingInterval().dividedBy(4));
    }

    /** This node's id in thread names, Redis client names and its own channel. */
    public String nodeId() {
        return nodeId;
    }

    @Override
    public void start(RelayListener listener) {
        LOG.info(() -> "Redis relay " + nodeId + " starting with " + config);
        dispatcher = new RedisDispatcher(nodeId, keys, rooms, nodes::commands, scripts, retention,
                Objects.requireNonNull(listener), metrics);
        subscriber = nodes.isCluster()
                ? new ShardedSubscriber(config, nodes, nodeId, this::joinedChannels, this::connected, dispatcher)
                : new RedisSubscriber(config, nodes, nodeId, keys.nodeChannel(nodeId), this::joinedChannels,
                        this::connected, dispatcher);
        dispatcher.start();
        pipeline.start();
        subscriber.start();
    }

    /** Completes when Redis confirmed the room's subscription; stays pending while Redis is unreachable. */
    @Override
    public CompletionStage<Void> join(RoomName room) {
        if (closed) {
            return CompletableFuture.failedFuture(new RelayUnavailableException("server is shutting down"));
        }
        RoomState state = rooms.join(room);
        subscriber.subscribe(keys.roomChannel(room));
        return state.firstConfirmation();
    }

    @Override
    public void leave(RoomName room) {
        rooms.leave(room);
        subscriber.unsubscribe(keys.roomChannel(room));
    }

    @Override
    public CompletionStage<ChatMessage> publish(ChatPost post) {
        RoomState room = rooms.get(post.room());
        if (closed || room == null) {
            return unavailable(closed ? "server is shutting down" : "room is closed");
        }
        long generation = subscriber.liveGeneration(keys.roomChannel(post.room()));
        if (generation == 0) {
            return unavailable("chat server is reconnecting to Redis");
        }
        if (!room.isConfirmedOn(generation)) {
            return unavailable("room is still connecting");
        }
        return pipeline.publish(post);
    }

    @Override
    public CompletionStage<History> history(RoomName room, HistoryFilter filter) {
        if (closed) {
            return unavailable("server is shutting down");
        }
        // The room's own connection decides (in a Cluster another shard may be down meanwhile).
        if (subscriber.liveGeneration(keys.roomChannel(room)) == 0 && !isSubscribed()) {
            return unavailable("chat server is reconnecting to Redis");
        }
        return pipeline.history(room, filter);
    }

    /** True while the subscribed connection answers pings and Redis carries out what this node sends. */
    @Override
    public boolean isReady() {
        return !closed && isSubscribed() && pipeline.works();
    }

    /** Rooms this node moved to a new epoch because Redis lost or rolled back their stream. */
    public long epochRotations() {
        return rotations.total();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RoomSubscriber running = subscriber;
        if (running != null) {
            running.close();
        }
        pipeline.close();
        RedisDispatcher dispatching = dispatcher;
        if (dispatching != null) {
            dispatching.close();
        }
        nodes.close();
        LOG.info(() -> "Redis relay " + nodeId + " stopped");
    }

    /** The subscriber is live on a new connection (its thread): Redis may have restarted. */
    private void connected() {
        pipeline.discardIdleConnections();
        if (everConnected.getAndSet(true)) {
            metrics.relayReconnected();
        }
    }

    private boolean isSubscribed() {
        RoomSubscriber running = subscriber;
        return running != null && running.isLive();
    }

    private Collection<String> joinedChannels() {
        return rooms.names().stream().map(keys::roomChannel).toList();
    }

    private static <T> CompletionStage<T> unavailable(String why) {
        return CompletableFuture.failedFuture(new RelayUnavailableException(why));
    }
}
