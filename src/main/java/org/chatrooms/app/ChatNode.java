package org.chatrooms.app;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.servlet.ServletContext;
import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;

import org.chatrooms.concurrent.OwnedThreads;
import org.chatrooms.config.ChatConfig;
import org.chatrooms.protocol.ChatCodec;
import org.chatrooms.room.RoomName;
import org.chatrooms.relay.InMemoryRelay;
import org.chatrooms.relay.Relay;
import org.chatrooms.relay.redis.RedisRelay;
import org.chatrooms.relay.redis.RedisRelayConfig;
import org.chatrooms.socket.ClientConnection;
import org.chatrooms.socket.LocalRooms;
import org.chatrooms.socket.OriginPolicy;

/**
 * One running chat node: the parts built from the configuration and wired together, owned by the web
 * application's lifecycle ({@link ChatLifecycle}). Everything here is thread-safe.
 *
 * <p>Threads it owns: the relay's threads, and {@code chat-session-closer}, which closes sockets so that a close
 * handshake stuck on a dead peer never holds up the relay's dispatch thread.
 */
public final class ChatNode implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ChatNode.class.getName());
    static final String CONTEXT_ATTRIBUTE = ChatNode.class.getName();
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);
    private static final int CLOSER_THREADS = 4;
    /** How long a handshake may wait for the relay to deliver its room here. */
    public static final Duration JOIN_TIMEOUT = Duration.ofSeconds(5);
    /** How long a room stays joined for a handshake that has not reached {@code @OnOpen} yet. */
    private static final Duration HANDSHAKE_HOLD = Duration.ofSeconds(10);

    private final ChatConfig config;
    private final ChatCodec codec;
    private final Relay relay;
    private final LocalRooms rooms;
    private final OriginPolicy originPolicy;
    private final OwnedThreads closerThreads = new OwnedThreads("chat-session-closer");
    private final ExecutorService closer;
    private final OwnedThreads timerThreads = new OwnedThreads("chat-timer");
    private final ScheduledExecutorService timer;
    private volatile boolean closing;

    public ChatNode(ChatConfig config, Relay relay) {
        this.config = config;
        this.codec = new ChatCodec(config.maxMessageChars());
        this.relay = relay;
        this.timer = Executors.newSingleThreadScheduledExecutor(timerThreads);
        this.rooms = new LocalRooms(relay, codec, timer);
        this.originPolicy = new OriginPolicy(config.allowedOrigins(), config.allowMissingOrigin());
        // Bounded: a close to a stalled peer can block for seconds, and many stalled peers must not mean many threads.
        this.closer = new ThreadPoolExecutor(CLOSER_THREADS, CLOSER_THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), closerThreads);
        ((ThreadPoolExecutor) closer).allowCoreThreadTimeOut(true);
        relay.start(rooms);
    }

    /** Builds the relay the configuration asks for: in-memory unless {@code CHAT_REDIS_URL} is set. */
    public static ChatNode start(ChatConfig config) {
        Relay relay = config.redisUrl()
                .<Relay>map(url -> new RedisRelay(RedisRelayConfig.parse(url, config.redisPrefix())))
                .orElseGet(InMemoryRelay::new);
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

    public ChatCodec codec() {
        return codec;
    }

    public Relay relay() {
        return relay;
    }

    public LocalRooms rooms() {
        return rooms;
    }

    public OriginPolicy originPolicy() {
        return originPolicy;
    }

    /**
     * Called by the handshake filter before the upgrade: makes sure {@code room}'s messages reach this node by the
     * time the client learns it is connected (see {@link LocalRooms}). Waits at most {@link #JOIN_TIMEOUT}; if the
     * relay is not ready by then the handshake goes on and the socket is told once it opens. While the relay is
     * down it does not wait at all: handshakes must not pile up on request threads (pages and health checks share
     * them) waiting for a Redis that is away.
     */
    public void prepareRoom(RoomName room) {
        var subscribed = rooms.hold(room, HANDSHAKE_HOLD).toCompletableFuture();
        if (!relay.isReady()) {
            return;
        }
        try {
            subscribed.get(JOIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(Level.FINE, "Room " + room + " is not relayed here yet", e);
        }
    }

    /** Whether the node is shutting down: sockets that open now are sent away at once. */
    public boolean isClosing() {
        return closing;
    }

    /** A socket's outbound side, with this node's queue limit and closer thread. */
    public ClientConnection connect(jakarta.websocket.Session session) {
        return new ClientConnection(ClientConnection.Peer.of(session), config.sendQueueFrames(), closer);
    }

    /**
     * Sends every local socket away with 1001 (going away) so clients reconnect elsewhere, then stops the relay
     * and the closer thread, each within a bounded wait.
     */
    @Override
    public void close() {
        closing = true;
        CloseReason goingAway = new CloseReason(CloseCodes.GOING_AWAY, "Server shutting down");
        var clients = rooms.allClients();
        clients.forEach(client -> client.close(goingAway));
        awaitSocketsClosed();
        relay.close();
        closerThreads.shutdown(closer, SHUTDOWN_GRACE);
        timer.shutdownNow(); // pending hold releases no longer matter: the relay is closed
        timerThreads.shutdown(timer, SHUTDOWN_GRACE);
        LOG.info(() -> "Chat node stopped; closed " + clients.size() + " sockets");
    }

    /** Gives clients a moment to answer the close, so no callback reaches a stopped application. */
    private void awaitSocketsClosed() {
        try {
            if (!rooms.awaitEmpty(SHUTDOWN_GRACE)) {
                LOG.warning(() -> "Sockets still open " + SHUTDOWN_GRACE + " after asking them to close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
