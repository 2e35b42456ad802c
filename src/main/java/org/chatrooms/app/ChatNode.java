package org.chatrooms.app;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import jakarta.servlet.ServletContext;
import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;

import org.chatrooms.concurrent.OwnedThreads;
import org.chatrooms.config.ChatConfig;
import org.chatrooms.relay.InMemoryRelay;
import org.chatrooms.relay.Relay;
import org.chatrooms.relay.redis.RedisRelay;
import org.chatrooms.socket.ClientConnection;
import org.chatrooms.socket.OriginPolicy;
import org.chatrooms.socket.SocketCaps;
import org.chatrooms.socket.SocketHub;

/**
 * One running chat node: the parts built from the configuration and wired together, owned by the web
 * application's lifecycle ({@link ChatLifecycle}). Everything here is thread-safe.
 *
 * <p>Threads it owns: the relay's threads; {@code chat-session-closer-N}, which close sockets so that a close
 * handshake stuck on a dead peer never holds up the relay's dispatch thread; {@code chat-timer-1}, which drops
 * admitted sockets whose {@code @OnOpen} never came.
 */
public final class ChatNode implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ChatNode.class.getName());
    static final String CONTEXT_ATTRIBUTE = ChatNode.class.getName();
    private static final int CLOSER_THREADS = 4;

    private final ChatConfig config;
    private final Relay relay;
    private final SocketHub hub;
    private final OwnedThreads closerThreads = new OwnedThreads("chat-session-closer");
    private final ThreadPoolExecutor closer;
    private final OwnedThreads timerThreads = new OwnedThreads("chat-timer");
    private final ScheduledExecutorService timer;

    public ChatNode(ChatConfig config, Relay relay) {
        this.config = config;
        this.relay = relay;
        this.timer = Executors.newSingleThreadScheduledExecutor(timerThreads);
        // Bounded: a close to a stalled peer can block for seconds, and many stalled peers must not mean many threads.
        this.closer = new ThreadPoolExecutor(CLOSER_THREADS, CLOSER_THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), closerThreads);
        closer.allowCoreThreadTimeOut(true);
        this.hub = new SocketHub(new SocketHub.Settings(config.maxMessageChars(), config.maxFrameChars(),
                new ClientConnection.Limits(config.sendQueueBytes(),
                        TimeUnit.SECONDS.toNanos(config.sendQueueSeconds())),
                config.retention().historySize(), config.rateLimit(), config.rateBurst(),
                Duration.ofSeconds(config.pingSeconds()),
                new OriginPolicy(config.allowedOrigins(), config.allowMissingOrigin()),
                new SocketCaps(config.maxSockets(), config.maxSocketsPerAddress(), config.maxRoomSockets()),
                config.trustedProxies()), relay, closer, timer);
        relay.start(hub.relayListener());
    }

    /** Builds the relay the configuration asks for: in-memory unless a Redis mode (URL, Sentinel, Cluster) is set. */
    public static ChatNode start(ChatConfig config) {
        Relay relay = config.redis()
                .<Relay>map(redis -> new RedisRelay(redis, config.retention()))
                .orElseGet(() -> new InMemoryRelay(config.retention(), java.time.Clock.systemUTC()));
        return new ChatNode(config, relay);
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

    public SocketHub hub() {
        return hub;
    }

    /**
     * Sends every local socket away with 1001 (going away) so clients reconnect elsewhere (resuming from their
     * position), then stops the relay and the node's threads, each within a bounded wait.
     */
    @Override
    public void close() {
        int closed = hub.closeAll(new CloseReason(CloseCodes.GOING_AWAY, "Server shutting down"),
                OwnedThreads.STOP_TIMEOUT);
        relay.close();
        closerThreads.shutdown(closer, OwnedThreads.STOP_TIMEOUT);
        timer.shutdownNow(); // pending open deadlines no longer matter: the relay is closed
        timerThreads.shutdown(timer, OwnedThreads.STOP_TIMEOUT);
        LOG.info(() -> "Chat node stopped; closed " + closed + " sockets");
    }
}
