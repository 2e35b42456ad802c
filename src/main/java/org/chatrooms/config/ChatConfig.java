package org.chatrooms.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.chatrooms.relay.StreamRetention;
import org.chatrooms.relay.redis.RedisRelayConfig;

/**
 * Every tunable of a chat node, read once at start-up and immutable afterwards. The README's configuration
 * table documents each name and default; keep the two in step.
 *
 * @param maxMessageChars      longest chat message accepted, in characters (code points) of its text
 * @param maxFrameChars        longest WebSocket text frame accepted, in characters; bigger frames are closed
 *                             with 1009 (assembled from parts by {@code FrameAssembler}, so the limit costs idle
 *                             sockets no memory)
 * @param sendQueueBytes       what may wait for one client (characters of its queued frames, close to bytes)
 *                             before it counts as too slow and is disconnected (1013)
 * @param sendQueueSeconds     how long a frame may wait for one client before it counts as too slow
 * @param pingSeconds          keepalive: each socket is pinged this often, and closed after two silent intervals;
 *                             0 turns pings off
 * @param maxSockets           sockets this node accepts ({@code CHAT_MAX_SOCKETS}); 0 for no cap
 * @param maxSocketsPerAddress sockets one client address may hold on this node; 0 for no cap
 * @param maxRoomSockets       sockets one room may have on this node; 0 for no cap
 * @param trustedProxies       proxy addresses whose {@code X-Forwarded-For} names the client
 * @param metrics              whether {@code /metrics} counts and serves Prometheus metrics ({@code CHAT_METRICS})
 * @param drainSeconds         on shutdown, the time over which the sockets are closed ({@code CHAT_DRAIN_SECONDS})
 * @param allowedOrigins       host names (or full origins) accepted besides the request's own host
 * @param allowMissingOrigin   whether a handshake without an {@code Origin} header is accepted
 * @param redisUrl             {@code CHAT_REDIS_URL} as given ({@link #redis} says which relay the node runs)
 * @param redisPrefix          prefix of every Redis key and channel this deployment uses
 * @param retention            how much of each room's stream is kept ({@code CHAT_HISTORY_SIZE} messages, for
 *                             {@code CHAT_HISTORY_TTL} seconds after the room's last message)
 * @param allowedHosts         host names this node answers to (Django's {@code ALLOWED_HOSTS} rules); requests
 *                             with any other {@code Host} get 400
 * @param rateLimit            messages per second one socket may send on average; 0 turns the limit off
 * @param rateBurst            messages one socket may send at once before the average applies
 * @param presenceHeartbeatSeconds how often a node proves to the others (through Redis) that it lives; its
 *                             users are gone from every list within 4 intervals of its death (docs/presence.md)
 * @param redis                the Redis relay's settings in whichever mode is configured (one server, Sentinel,
 *                             Cluster: {@link RedisRelayConfig#fromSettings}); empty means the in-memory relay
 */
public record ChatConfig(
        int maxMessageChars,
        int maxFrameChars,
        int sendQueueBytes,
        int sendQueueSeconds,
        int pingSeconds,
        int maxSockets,
        int maxSocketsPerAddress,
        int maxRoomSockets,
        List<String> trustedProxies,
        boolean metrics,
        int drainSeconds,
        List<String> allowedOrigins,
        boolean allowMissingOrigin,
        Optional<String> redisUrl,
        String redisPrefix,
        StreamRetention retention,
        List<String> allowedHosts,
        int rateLimit,
        int rateBurst,
        int presenceHeartbeatSeconds,
        Optional<RedisRelayConfig> redis) {

    public static final int DEFAULT_MAX_MESSAGE_CHARS = 4096;
    public static final int DEFAULT_MAX_FRAME_CHARS = 65536;
    public static final int DEFAULT_SEND_QUEUE_BYTES = 1 << 20;
    public static final int DEFAULT_SEND_QUEUE_SECONDS = 10;
    /** Shorter than nginx's and common load balancers' idle timeouts (60 s), so idle sockets are not cut. */
    public static final int DEFAULT_PING_SECONDS = 25;
    /** As many as the shipped server.xml's maxConnections: about 0.6 GiB of heap at ~60 KiB a socket. */
    public static final int DEFAULT_MAX_SOCKETS = 10_000;
    /** Generous for offices behind one NAT address, yet a single script cannot take the node. */
    public static final int DEFAULT_MAX_SOCKETS_PER_ADDRESS = 100;
    public static final int DEFAULT_MAX_ROOM_SOCKETS = 5_000;
    /** Survivors see 10 s of reconnects, not one wall; well inside Kubernetes' default 30 s grace period. */
    public static final int DEFAULT_DRAIN_SECONDS = 10;
    public static final String DEFAULT_REDIS_PREFIX = "chat:";
    /** Django's default for {@code DEBUG} without {@code ALLOWED_HOSTS}: the loopback names only. */
    public static final List<String> DEFAULT_ALLOWED_HOSTS = List.of("localhost", "127.0.0.1", "[::1]");
    public static final int DEFAULT_RATE_LIMIT = 20;
    public static final int DEFAULT_RATE_BURST = 40;
    /** With a time to live of three intervals: a killed node's users leave within 12 s. */
    public static final int DEFAULT_PRESENCE_HEARTBEAT_SECONDS = 3;

    public ChatConfig {
        requirePositive("CHAT_MAX_MESSAGE_CHARS", maxMessageChars);
        requirePositive("CHAT_MAX_FRAME_CHARS", maxFrameChars);
        requirePositive("CHAT_SEND_QUEUE_BYTES", sendQueueBytes);
        requirePositive("CHAT_SEND_QUEUE_SECONDS", sendQueueSeconds);
        requireNotNegative("CHAT_MAX_SOCKETS", maxSockets);
        requireNotNegative("CHAT_MAX_SOCKETS_PER_ADDRESS", maxSocketsPerAddress);
        requireNotNegative("CHAT_MAX_ROOM_SOCKETS", maxRoomSockets);
        requireNotNegative("CHAT_DRAIN_SECONDS", drainSeconds);
        trustedProxies = List.copyOf(trustedProxies);
        if (pingSeconds < 0) {
            throw new IllegalArgumentException("CHAT_PING_SECONDS must not be negative, not " + pingSeconds);
        }
        allowedOrigins = List.copyOf(allowedOrigins);
        allowedHosts = List.copyOf(allowedHosts);
        if (rateLimit < 0) {
            throw new IllegalArgumentException("CHAT_RATE_LIMIT must be 0 (off) or positive, not " + rateLimit);
        }
        if (rateLimit > 0) {
            requirePositive("CHAT_RATE_BURST", rateBurst);
        }
        requirePositive("CHAT_PRESENCE_HEARTBEAT_SECONDS", presenceHeartbeatSeconds);
    }

    public static ChatConfig defaults() {
        return from(Settings.of(java.util.Map.of()));
    }

    public static ChatConfig from(Settings settings) {
        return new ChatConfig(
                intSetting(settings, "CHAT_MAX_MESSAGE_CHARS", DEFAULT_MAX_MESSAGE_CHARS),
                intSetting(settings, "CHAT_MAX_FRAME_CHARS", DEFAULT_MAX_FRAME_CHARS),
                intSetting(settings, "CHAT_SEND_QUEUE_BYTES", DEFAULT_SEND_QUEUE_BYTES),
                intSetting(settings, "CHAT_SEND_QUEUE_SECONDS", DEFAULT_SEND_QUEUE_SECONDS),
                intSetting(settings, "CHAT_PING_SECONDS", DEFAULT_PING_SECONDS),
                intSetting(settings, "CHAT_MAX_SOCKETS", DEFAULT_MAX_SOCKETS),
                intSetting(settings, "CHAT_MAX_SOCKETS_PER_ADDRESS", DEFAULT_MAX_SOCKETS_PER_ADDRESS),
                intSetting(settings, "CHAT_MAX_ROOM_SOCKETS", DEFAULT_MAX_ROOM_SOCKETS),
                listSetting(settings, "CHAT_TRUSTED_PROXIES").orElse(List.of()),
                settings.get("CHAT_METRICS").map(ChatConfig::parseBoolean).orElse(true),
                intSetting(settings, "CHAT_DRAIN_SECONDS", DEFAULT_DRAIN_SECONDS),
                listSetting(settings, "CHAT_ALLOWED_ORIGINS").orElse(List.of()),
                settings.get("CHAT_ALLOW_MISSING_ORIGIN").map(ChatConfig::parseBoolean).orElse(false),
                settings.get("CHAT_REDIS_URL"),
                settings.get("CHAT_REDIS_PREFIX").orElse(DEFAULT_REDIS_PREFIX),
                new StreamRetention(
                        intSetting(settings, "CHAT_HISTORY_SIZE", StreamRetention.DEFAULT_HISTORY_SIZE),
                        Duration.ofSeconds(intSetting(settings, "CHAT_HISTORY_TTL",
                                (int) StreamRetention.DEFAULT_IDLE_TTL.toSeconds()))),
                listSetting(settings, "CHAT_ALLOWED_HOSTS").orElse(DEFAULT_ALLOWED_HOSTS),
                intSetting(settings, "CHAT_RATE_LIMIT", DEFAULT_RATE_LIMIT),
                intSetting(settings, "CHAT_RATE_BURST", DEFAULT_RATE_BURST),
                intSetting(settings, "CHAT_PRESENCE_HEARTBEAT_SECONDS", DEFAULT_PRESENCE_HEARTBEAT_SECONDS),
                RedisRelayConfig.fromSettings(settings::get));
    }

    /** Whether {@link #rateLimit} applies at all. */
    public boolean rateLimited() {
        return rateLimit > 0;
    }

    /** A comma- or space-separated list; empty entries are dropped. */
    private static Optional<List<String>> listSetting(Settings settings, String name) {
        return settings.get(name)
                .map(list -> Arrays.stream(list.split("[,\\s]+")).filter(s -> !s.isEmpty()).toList())
                .filter(list -> !list.isEmpty());
    }

    private static int intSetting(Settings settings, String name, int fallback) {
        return settings.get(name).map(value -> {
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be a whole number, not '" + value + "'", e);
            }
        }).orElse(fallback);
    }

    private static boolean parseBoolean(String value) {
        return switch (value.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new IllegalArgumentException("expected true or false, not '" + value + "'");
        };
    }

    private static void requireNotNegative(String name, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative (0 turns it off), not " + value);
        }
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, not " + value);
        }
    }
}
