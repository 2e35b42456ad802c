package org.chatrooms.app;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import jakarta.servlet.ServletContext;

import org.chatrooms.concurrent.OwnedThreads;
import org.chatrooms.config.ChatConfig;
import org.chatrooms.metrics.ChatMetrics;
import org.chatrooms.metrics.PrometheusMetrics;
import org.chatrooms.presence.InMemoryPresence;
import org.chatrooms.presence.Presence;
import org.chatrooms.presence.redis.RedisPresence;
import org.chatrooms.relay.InMemoryRelay;
import org.chatrooms.relay.Relay;
import org.chatrooms.relay.redis.RedisRelay;
import org.chatrooms.relay.redis.RedisRelayConfig;
import org.chatrooms.socket.ClientConnection;
import org.chatrooms.socket.OriginPolicy;
import org.chatrooms.socket.SocketCaps;
import org.chatrooms.socket.SocketHub;

/**
 * One running chat node: the parts built from the configuration and wired together, owned by the web
 * application's lifecycle ({@link ChatLifecycle}). Everything here is thread-safe.
 *
 * <p>Threads it owns: the relay's threads; {@code chat-session-closer-N}, which close sockets so that a close
 * handshake stuck on a dead peer never holds up the relay's dispatch thread; {@code chat-keepalive-N}, which write
 * pings (blocking writes, apart from the closes); {@code chat-timer-1}, which runs the keepalive rounds, the drain's
 * batches and drops admitted sockets whose {@code @OnOpen} never came.
 */
public final class ChatNode implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ChatNode.class.getName());
    static final String CONTEXT_ATTRIBUTE = ChatNode.class.getName();
    private static final int CLOSER_THREADS = 4;
    /** Ping writes return at once unless a peer stopped reading; two threads ride out a few such peers. */
    private static final int PINGER_THREADS = 2;

    private final ChatConfig config;
    private final ChatMetrics metrics;
    private final Relay relay;
    private final Presence presence;
    private final SocketHub hub;
    private final OwnedThreads closerThreads = new OwnedThreads("chat-session-closer");
    private final ThreadPoolExecutor closer;
    private final OwnedThreads pingerThreads = new OwnedThreads("chat-keepalive");
    private final ThreadPoolExecutor pinger;
    private final OwnedThreads timerThreads = new OwnedThreads("chat-timer");
    private final ScheduledExecutorService timer;

    public ChatNode(ChatConfig config, Relay relay, Presence presence, ChatMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
        this.relay = relay;
        this.presence = presence;
        this.timer = Executors.newSingleThreadScheduledExecutor(timerThreads);
        // Bounded: a close to a stalled peer can block for seconds, and many stalled peers must not mean many threads.
        this.closer = new ThreadPoolExecutor(CLOSER_THREADS, CLOSER_THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), closerThreads);
        closer.allowCoreThreadTimeOut(true);
        this.pinger = new ThreadPoolExecutor(PINGER_THREADS, PINGER_THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), pingerThreads);
        pinger.allowCoreThreadTimeOut(true);
        this.hub = new SocketHub(new SocketHub.Settings(config.maxMessageChars(), config.maxFrameChars(),
                new ClientConnection.Limits(config.sendQueueBytes(),
                        TimeUnit.SECONDS.toNanos(config.sendQueueSeconds())),
                config.retention().historySize(), config.rateLimit(), config.rateBurst(),
                Duration.ofSeconds(config.pingSeconds()),
                new OriginPolicy(config.allowedOrigins(), config.allowMissingOrigin()),
                new SocketCaps(config.maxSockets(), config.maxSocketsPerAddress(), config.maxRoomSockets()),
                config.trustedProxies(), Duration.ofSeconds(config.drainSeconds())), relay, presence, metrics, closer,
                pinger, timer);
        relay.start(hub.relayListener());
        presence.start(hub::hostedRooms);
    }

    /** Builds the relay the configuration asks for: in-memory unless a Redis mode (URL, Sentinel, Cluster) is set. */
    public static ChatNode start(ChatConfig config) {
        ChatMetrics metrics = config.metrics() ? new PrometheusMetrics() : ChatMetrics.NONE;
        Duration heartbeat = Duration.ofSeconds(config.presenceHeartbeatSeconds());
        if (config.redis().isPresent()) {
            RedisRelayConfig redis = config.redis().get();
            RedisRelay relay = new RedisRelay(redis, config.retention(), metrics);
            // In every Redis mode (one server, Sentinel, Cluster): docs/presence.md.
            return new ChatNode(config, relay, new RedisPresence(redis, heartbeat), metrics);
        }
        InMemoryRelay relay = new InMemoryRelay(config.retention(), java.time.Clock.systemUTC());
        return new ChatNode(config, relay, new InMemoryPresence(relay), metrics);
    }

    /** The node's metrics; {@link PrometheusMetrics} unless {@code CHAT_METRICS=false}. */
    public ChatMetrics metrics() {
        return metrics;
    }

    /** The node of the web application that {@code context} belongs to. */
    public static ChatNode of(ServletContext context) {
        ChatNode node = (ChatNode) context.getAttribute(CONTEXT_ATTRIBUTE);
        if (node == null) {
            throw new IllegalStateException("The chat node is not running (application starting or stopped)");
        }
        return node;
    }

    public ChatConfig config() {
        return config;
    }

    public Relay relay() {
        return relay;
    }

    public Presence presence() {
        return presence;
    }

    public SocketHub hub() {
        return hub;
    }

    /** Whether the node carries chat right now (the readiness probe): not while it drains. */
    public boolean isReady() {
        return !hub.isClosing() && relay.isReady();
    }

    /**
     * Sends every local socket still open away with 1001 (going away; the drain, {@link SocketHub#drain}, normally
     * did that already when the application began to stop), so clients reconnect elsewhere and resume from their
     * position; then stops the relay and the node's threads, each within a bounded wait.
     */
    @Override
    public void close() {
        int closed = hub.drain();
        presence.close(); // after the sockets' leaves: removes what is left of this node, announcing it
        relay.close();
        closerThreads.shutdown(closer, OwnedThreads.STOP_TIMEOUT);
        pingerThreads.shutdown(pinger, OwnedThreads.STOP_TIMEOUT);
        timer.shutdownNow(); // pending open deadlines no longer matter: the relay is closed
        timerThreads.shutdown(timer, OwnedThreads.STOP_TIMEOUT);
        if (metrics instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.log(java.util.logging.Level.WARNING, "Could not close the metrics", e);
            }
        }
        LOG.info(() -> "Chat node stopped; closed " + closed + " sockets");
    }
}
