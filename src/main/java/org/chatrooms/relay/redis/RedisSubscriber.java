package org.chatrooms.relay.redis;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.chatrooms.concurrent.OwnedThreads;
import org.chatrooms.relay.redis.RedisRelayConfig.Timings;

import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The node's subscription to Redis, kept alive: connects, subscribes every joined room, reads until the connection
 * fails, then waits a growing pause and starts over with a new connection, until {@link #close}.
 *
 * <p>Threads, both owned here and stopped by {@link #close}:
 * <ul>
 *   <li>{@code chat-redis-subscriber-<node>} connects and then blocks reading the subscribed connection
 *       ({@link SubscriberConnection#run}); it gives every message to the {@link RedisDispatcher}, which lets it
 *       deliver only while nothing is queued and for about a quarter of the time, and never lets it wait on the
 *       network, so a busy node does not make Redis buffer (and at {@code client-output-buffer-limit pubsub},
 *       drop) it.</li>
 *   <li>{@code chat-redis-control-<node>} writes to the live connection: (un)subscribes rooms as they are joined
 *       and left, re-subscribes them all after a reconnect, and pings every {@link Timings#pingInterval()}. A
 *       subscribed connection has no read timeout, so a half-open TCP connection would block the reader forever;
 *       when nothing (pong, message, answer) arrived for {@link Timings#silenceLimit()}, this thread closes the
 *       socket, which ends the read and starts a reconnect. With Sentinel it also closes it when the pool moved to
 *       another primary ({@link RedisNodes#followedPrimary}: after a READONLY answer, a broken connection or the
 *       publisher's periodic question to the sentinels).</li>
 * </ul>
 * Other methods are thread-safe and never block on the network.
 */
final class RedisSubscriber implements RoomSubscriber {

    private static final Logger LOG = Logger.getLogger(RedisSubscriber.class.getName());
    /** A problem that keeps recurring is logged again after this long, so it stays visible without flooding. */
    private static final long REPEAT_LOG_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final RedisRelayConfig config;
    private final RedisNodes nodes;
    private final JedisClientConfig clientConfig;
    private final String nodeChannel;
    private final Supplier<Collection<String>> wantedChannels;
    private final Runnable onConnected;
    private final SubscriberConnection.Inbox inbox;
    private final Thread thread;
    private final ScheduledExecutorService control;

    /** On while the loop should run; turning it off wakes the reconnect pause. */
    private final LoopSwitch loop = new LoopSwitch(false);
    private volatile SubscriberConnection current;
    /** Where the current connection went (written by the subscriber thread before it becomes current). */
    private volatile HostAndPort connectedTo;
    // Control thread only (Sentinel): the primary the pool followed at the last check.
    private HostAndPort lastFollowed;
    private long generation;
    // Subscriber thread only: the last problem logged, to log a recurring one once rather than per attempt.
    private String lastProblem;
    private long lastProblemLoggedNanos;

    /**
     * @param onConnected runs on the subscriber thread each time a new connection is live (its rooms are being
     *                    re-subscribed); must return at once
     * @param inbox       receives confirmations and messages straight from the read loop
     */
    RedisSubscriber(RedisRelayConfig config, RedisNodes nodes, String nodeId, String nodeChannel,
                    Supplier<Collection<String>> wantedChannels, Runnable onConnected, SubscriberConnection.Inbox inbox) {
        this.config = config;
        this.nodes = nodes;
        this.clientConfig = config.clientConfig("chat-" + nodeId + "-subscriber");
        this.nodeChannel = nodeChannel;
        this.wantedChannels = wantedChannels;
        this.onConnected = onConnected;
        this.inbox = inbox;
        this.thread = OwnedThreads.thread("chat-redis-subscriber-" + nodeId, this::run);
        this.control = ControlThread.create(nodeId);
    }

    @Override
    public void start() {
        loop.turnOn();
        thread.start();
        long ping = config.timings().pingInterval().toMillis();
        control.scheduleWithFixedDelay(this::checkLiveness, ping, ping, TimeUnit.MILLISECONDS);
    }

    /** Asks Redis for a room's channel on the live connection; a later connection subscribes it anyway. */
    @Override
    public void subscribe(String channel) {
        onLiveConnection(connection -> connection.request(List.of(channel)));
    }

    @Override
    public void unsubscribe(String channel) {
        onLiveConnection(connection -> connection.drop(channel));
    }

    /** One connection carries every room: its generation. */
    @Override
    public long liveGeneration(String channel) {
        return liveGeneration();
    }

    @Override
    public boolean isLive() {
        return liveGeneration() != 0;
    }

    /** Generation of the live connection, one that answered within the silence limit; 0 when there is none. */
    long liveGeneration() {
        SubscriberConnection connection = current;
        return connection != null && connection.isLive() && !isSilent(connection) ? connection.generation() : 0;
    }

    /** Stops both threads (each joined with a timeout) and closes the connection. */
    @Override
    public void close() {
        loop.turnOff();
        control.shutdownNow();
        SubscriberConnection connection = current;
        if (connection != null) {
            connection.kill("the relay is closing");
        }
        OwnedThreads.join(thread, config.timings().ioTimeout().multipliedBy(2));
        ControlThread.awaitStopped(control);
    }

    // ---- subscriber thread ----

    private void run() {
        Backoff backoff = new Backoff(config.timings().minBackoff(), config.timings().maxBackoff());
        while (isRunning()) {
            SubscriberConnection attempt = null;
            try {
                long attemptGeneration = ++generation;
                attempt = new SubscriberConnection(attemptGeneration, connect(), nodeChannel,
                        () -> connected(attemptGeneration), inbox);
                current = attempt;
                if (isRunning()) {
                    attempt.run();
                }
            } catch (JedisException | IllegalStateException e) {
                // IllegalStateException: Jedis's socket factory on some unresolvable or refused addresses.
                if (isRunning()) {
                    reportProblem(e, attempt);
                }
            } catch (RuntimeException | LinkageError e) {
                // A bug or a broken deployment, not Redis: say so loudly, but keep the loop (and retries) alive;
                // a subscriber that silently never comes back is the failure this class exists to prevent.
                LOG.log(Level.SEVERE, "Unexpected failure of the Redis subscriber; retrying", e);
            } finally {
                current = null;
                if (attempt != null) {
                    if (attempt.wasLive()) {
                        backoff.reset();
                    }
                    attempt.kill("the attempt ended");
                }
            }
            pause(backoff.nextMillis());
        }
    }

    /**
     * Connects to the primary (with Sentinel: the one the sentinels name now) and authenticates; throws on
     * failure. Closed again at once if the node stopped meanwhile.
     */
    private Connection connect() {
        HostAndPort address = nodes.primary();
        Connection connection = new Connection(address, clientConfig);
        try {
            if (nodes.subscribersCheckRole()) {
                RedisNodes.requirePrimary(connection, address);
            }
        } catch (RuntimeException e) {
            connection.close();
            throw e;
        }
        connectedTo = address;
        if (nodes.subscribersCheckRole()) {
            nodes.followPrimary(address); // the pool goes where this checked primary is
        }
        if (!isRunning()) {
            connection.close();
            throw new IllegalStateException("closed while connecting");
        }
        return connection;
    }

    private boolean isRunning() {
        return loop.isOn();
    }

    /** Waits before the next attempt; {@link #close} cuts it short. */
    private void pause(long millis) {
        loop.pause(millis);
    }

    private void reportProblem(Exception e, SubscriberConnection attempt) {
        boolean wasLive = attempt != null && attempt.wasLive();
        String problem = attempt != null && attempt.droppedBecause() != null
                ? attempt.droppedBecause() : RedisProblems.describe(e, config);
        long now = System.nanoTime();
        boolean repeat = problem.equals(lastProblem) && now - lastProblemLoggedNanos < REPEAT_LOG_NANOS;
        // Redis going away is an operational event, not a bug here: one clear line; the stack trace at FINE.
        LOG.log(Level.FINE, "Redis subscriber connection ended", e);
        if (wasLive) {
            LOG.warning("Lost the Redis subscription (" + problem + "); reconnecting. Chat messages "
                    + "to this server's rooms are refused until then.");
        } else if (!repeat) {
            Level level = RedisProblems.isConfigurationError(e) ? Level.SEVERE : Level.WARNING;
            LOG.log(level, "Cannot subscribe to Redis at " + config.redactedUrl() + ": " + problem
                    + ". Retrying with backoff; this server is not ready for chat until then.");
        } else {
            return;
        }
        lastProblem = problem;
        lastProblemLoggedNanos = now;
    }

    // ---- control thread ----

    private void onLiveConnection(Consumer<SubscriberConnection> command) {
        try {
            control.execute(() -> {
                SubscriberConnection connection = current;
                if (connection != null && connection.isLive()) {
                    writeOrKill(connection, command);
                }
            });
        } catch (RejectedExecutionException closing) {
            // the relay is closing: the connection goes, and with it every subscription
        }
    }

    private void checkLiveness() {
        try {
            pingOrDrop();
        } catch (RuntimeException e) {
            // A periodic task that throws is never run again: liveness checks must survive anything.
            LOG.log(Level.SEVERE, "Redis liveness check failed", e);
        }
    }

    private void pingOrDrop() {
        SubscriberConnection connection = current;
        if (connection == null || !connection.isLive()) {
            return;
        }
        if (isSilent(connection)) {
            connection.kill("Redis did not answer pings for " + TimeUnit.NANOSECONDS.toMillis(connection.silentNanos())
                    + " ms");
        } else if (primarySwitchedAway()) {
            connection.kill("the sentinels switched the primary to " + lastFollowed);
        } else {
            writeOrKill(connection, SubscriberConnection::sendPing);
        }
    }

    /**
     * Sentinel: whether the pool's primary just changed to another server than this connection's. A primary that
     * hands over while alive ({@code SENTINEL FAILOVER}) keeps this connection open and answers its pings, but
     * posts go to the new primary, and until Sentinel reconfigures the old one (seconds) nothing reaches this
     * subscription. Only a change counts: a pool that has not caught up yet with where this connection went does
     * not make it reconnect.
     */
    private boolean primarySwitchedAway() {
        HostAndPort followed = nodes.followedPrimary().orElse(null);
        if (followed == null || followed.equals(lastFollowed)) {
            return false;
        }
        boolean changed = lastFollowed != null;
        lastFollowed = followed;
        return changed && !followed.equals(connectedTo);
    }

    private boolean isSilent(SubscriberConnection connection) {
        return connection.silentNanos() > config.timings().silenceLimit().toNanos();
    }

    private static void writeOrKill(SubscriberConnection connection, Consumer<SubscriberConnection> command) {
        try {
            command.accept(connection);
        } catch (JedisException e) {
            // A failed write leaves the protocol stream in an unknown state: start over on a new connection.
            LOG.log(Level.FINE, "Write to the subscribed connection failed", e);
            connection.kill("a write to Redis failed: " + e.getMessage());
        }
    }

    /** The connection of {@code live} generation is live: log, tell the relay, re-subscribe every room. */
    private void connected(long live) {
        if (lastProblem != null) {
            LOG.info(() -> "Subscribed to Redis at " + config.redactedUrl() + " again");
            lastProblem = null;
        } else {
            LOG.info(() -> "Subscribed to Redis at " + config.redactedUrl());
        }
        onConnected.run();
        onLiveConnection(connection -> {
            if (connection.generation() == live) {
                connection.request(wantedChannels.get());
            }
        });
    }
}
