package org.chatrooms.app;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

import jakarta.servlet.ServletContext;
import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;

import org.chatrooms.config.ChatConfig;
import org.chatrooms.protocol.ChatCodec;
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

    private final ChatConfig config;
    private final ChatCodec codec;
    private final Relay relay;
    private final LocalRooms rooms;
    private final OriginPolicy originPolicy;
    private final ExecutorService closer;

    public ChatNode(ChatConfig config, Relay relay) {
        this.config = config;
        this.codec = new ChatCodec(config.maxMessageChars());
        this.relay = relay;
        this.rooms = new LocalRooms(relay, codec);
        this.originPolicy = new OriginPolicy(config.allowedOrigins(), config.allowMissingOrigin());
        this.closer = Executors.newCachedThreadPool(namedThreads("chat-session-closer"));
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

    /** A socket's outbound side, with this node's queue limit and closer thread. */
    public ClientConnection connect(jakarta.websocket.Session session) {
        return new ClientConnection(session, config.sendQueueFrames(), closer);
    }

    /**
     * Sends every local socket away with 1001 (going away) so clients reconnect elsewhere, then stops the relay
     * and the closer thread, each within a bounded wait.
     */
    @Override
    public void close() {
        CloseReason goingAway = new CloseReason(CloseCodes.GOING_AWAY, "Server shutting down");
        var clients = rooms.allClients();
        clients.forEach(client -> client.close(goingAway));
        relay.close();
        closer.shutdown();
        try {
            if (!closer.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warning("Some sockets did not finish closing within 5 s");
                closer.shutdownNow();
            }
        } catch (InterruptedException e) {
            closer.shutdownNow();
            Thread.currentThread().interrupt();
        }
        LOG.info(() -> "Chat node stopped; closed " + clients.size() + " sockets");
    }

    static java.util.concurrent.ThreadFactory namedThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
