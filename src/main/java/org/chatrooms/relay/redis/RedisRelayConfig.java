package org.chatrooms.relay.redis;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

import javax.net.ssl.SSLParameters;

import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisProtocol;

/**
 * Where the Redis relay connects and how patiently, parsed once from {@code CHAT_REDIS_URL} and
 * {@code CHAT_REDIS_PREFIX}. Immutable and thread-safe; {@link #toString()} never shows the password.
 *
 * <p>URL form: {@code redis://[[user]:password@]host[:port][/db]}, or {@code rediss://} for TLS (the server's
 * certificate and host name are checked against the JVM's trust store). User and password may be
 * percent-encoded. An empty user ({@code redis://:secret@host}) authenticates as Redis's default user, the
 * {@code requirepass} style.
 *
 * @param host       Redis host name or address
 * @param port       Redis port, 6379 unless given
 * @param tls        whether the URL was {@code rediss://}
 * @param user       ACL user; empty for the default user
 * @param password   password; empty for none
 * @param database   logical database (the URL's path), 0 unless given
 * @param prefix     prefix of every key and channel, so deployments can share one Redis
 * @param timings    how often to ping and how long to wait; {@link Timings#DEFAULT} in production
 * @param topology   one server (host and port above), Sentinel (host and port: the first sentinel) or Cluster
 *                   (host and port: the first seed); see {@link #fromSettings}
 */
public record RedisRelayConfig(
        String host,
        int port,
        boolean tls,
        Optional<String> user,
        Optional<String> password,
        int database,
        String prefix,
        Timings timings,
        RedisTopology topology) {

    public static final int DEFAULT_PORT = 6379;

    /**
     * The relay's clocks. A subscribed connection has no read timeout, so liveness is proven by pings: one every
     * {@code pingInterval}, and a connection that says nothing for {@code silenceLimit} is dropped and re-made.
     * Reconnects wait {@code minBackoff}, doubling up to {@code maxBackoff}, so chat resumes within about
     * {@code maxBackoff} after Redis returns. {@code ioTimeout} bounds connecting and every command.
     */
    public record Timings(Duration pingInterval, Duration silenceLimit, Duration minBackoff, Duration maxBackoff,
                          Duration ioTimeout) {

        public static final Timings DEFAULT = new Timings(Duration.ofSeconds(1), Duration.ofSeconds(3),
                Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(2));

        public Timings {
            if (silenceLimit.compareTo(pingInterval) <= 0) {
                throw new IllegalArgumentException("silenceLimit must be longer than pingInterval");
            }
            if (maxBackoff.compareTo(minBackoff) < 0) {
                throw new IllegalArgumentException("maxBackoff must not be shorter than minBackoff");
            }
        }
    }

    public RedisRelayConfig {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("CHAT_REDIS_URL: port " + port + " is out of range");
        }
        if (database < 0) {
            throw new IllegalArgumentException("CHAT_REDIS_URL: database must not be negative");
        }
    }

    /** Parses {@code CHAT_REDIS_URL}; errors name the problem but never echo the URL, which may hold a password. */
    public static RedisRelayConfig parse(String url, String prefix) {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw invalid("not a valid URL (" + e.getReason() + " at character " + e.getIndex() + ")");
        }
        String scheme = Optional.ofNullable(uri.getScheme()).orElse("").toLowerCase(Locale.ROOT);
        if (!scheme.equals("redis") && !scheme.equals("rediss")) {
            throw invalid("must start with redis:// or rediss://");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw invalid("options after '?' or '#' are not supported");
        }
        String authority = uri.getRawAuthority();
        if (authority == null || authority.isEmpty()) {
            throw invalid("has no host");
        }
        // Split by hand rather than with URI.getHost(), which gives up on host names with '_' (Docker services).
        int at = authority.lastIndexOf('@');
        String userInfo = at >= 0 ? authority.substring(0, at) : null;
        String hostPort = authority.substring(at + 1);

        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            if (colon < 0) {
                throw invalid("names a user but no password; write redis://user:password@host");
            }
            user = Optional.of(decode(userInfo.substring(0, colon))).filter(u -> !u.isEmpty());
            password = Optional.of(decode(userInfo.substring(colon + 1))).filter(p -> !p.isEmpty());
        }
        return new RedisRelayConfig(host(hostPort), port(hostPort), scheme.equals("rediss"), user, password,
                database(uri.getRawPath()), prefix, Timings.DEFAULT, new RedisTopology.Standalone());
    }

    /**
     * The one place that decides the relay's mode from the settings ({@code setting} looks a name up), or empty for
     * the in-memory relay. Exactly one of {@code CHAT_REDIS_URL}, {@code CHAT_REDIS_SENTINELS} (with
     * {@code CHAT_REDIS_MASTER}) and {@code CHAT_REDIS_CLUSTER} may be set. Sentinel and Cluster take their
     * credentials from {@code CHAT_REDIS_USER} and {@code CHAT_REDIS_PASSWORD} (a URL there would name a host that
     * the topology decides), and TLS from {@code CHAT_REDIS_TLS=true}; the sentinels themselves are asked with
     * {@code CHAT_REDIS_SENTINEL_PASSWORD} if set (their {@code requirepass}), else without a password.
     */
    public static Optional<RedisRelayConfig> fromSettings(Function<String, Optional<String>> setting) {
        Optional<String> url = setting.apply("CHAT_REDIS_URL");
        Optional<String> sentinels = setting.apply("CHAT_REDIS_SENTINELS");
        Optional<String> master = setting.apply("CHAT_REDIS_MASTER");
        Optional<String> cluster = setting.apply("CHAT_REDIS_CLUSTER");
        String prefix = setting.apply("CHAT_REDIS_PREFIX").orElse("chat:");
        int modes = (url.isPresent() ? 1 : 0) + (sentinels.isPresent() ? 1 : 0) + (cluster.isPresent() ? 1 : 0);
        if (modes > 1) {
            throw new IllegalArgumentException("Set only one of CHAT_REDIS_URL, CHAT_REDIS_SENTINELS and "
                    + "CHAT_REDIS_CLUSTER");
        }
        if (master.isPresent() != sentinels.isPresent()) {
            throw new IllegalArgumentException("CHAT_REDIS_SENTINELS and CHAT_REDIS_MASTER go together");
        }
        Optional<String> sentinelPassword = setting.apply("CHAT_REDIS_SENTINEL_PASSWORD");
        if (sentinelPassword.isPresent() && sentinels.isEmpty()) {
            throw new IllegalArgumentException("CHAT_REDIS_SENTINEL_PASSWORD is the sentinels' own password: it goes "
                    + "with CHAT_REDIS_SENTINELS");
        }
        if (url.isPresent()) {
            for (String name : List.of("CHAT_REDIS_USER", "CHAT_REDIS_PASSWORD", "CHAT_REDIS_TLS")) {
                if (setting.apply(name).isPresent()) {
                    throw new IllegalArgumentException(name + " is for Sentinel and Cluster; with CHAT_REDIS_URL "
                            + "write user, password and rediss:// in the URL");
                }
            }
            return Optional.of(parse(url.get(), prefix));
        }
        if (modes == 0) {
            return Optional.empty();
        }
        RedisTopology topology = sentinels.isPresent()
                ? new RedisTopology.Sentinel(master.get(), RedisTopology.addresses("CHAT_REDIS_SENTINELS",
                        sentinels.get()), sentinelPassword)
                : new RedisTopology.Cluster(RedisTopology.addresses("CHAT_REDIS_CLUSTER", cluster.get()));
        HostAndPort first = topology instanceof RedisTopology.Sentinel s ? s.sentinels().get(0)
                : ((RedisTopology.Cluster) topology).seeds().get(0);
        boolean tls = setting.apply("CHAT_REDIS_TLS").map(v -> switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new IllegalArgumentException("CHAT_REDIS_TLS: expected true or false, not '" + v + "'");
        }).orElse(false);
        return Optional.of(new RedisRelayConfig(first.getHost(), first.getPort(), tls,
                setting.apply("CHAT_REDIS_USER"), setting.apply("CHAT_REDIS_PASSWORD"), 0, prefix, Timings.DEFAULT,
                topology));
    }

    public RedisRelayConfig withTimings(Timings other) {
        return new RedisRelayConfig(host, port, tls, user, password, database, prefix, other, topology);
    }

    public HostAndPort address() {
        return new HostAndPort(host, port);
    }

    /** Connection settings for Jedis; {@code clientName} shows up in Redis's {@code CLIENT LIST}. */
    public JedisClientConfig clientConfig(String clientName) {
        int timeout = Math.toIntExact(timings.ioTimeout().toMillis());
        DefaultJedisClientConfig.Builder builder = DefaultJedisClientConfig.builder()
                // Stated rather than negotiated: negotiation opens a connection when the client is built, which
                // would hold up a node's start while Redis is unreachable. Pub/sub works the same in RESP2.
                .protocol(RedisProtocol.RESP2)
                .connectionTimeoutMillis(timeout)
                .socketTimeoutMillis(timeout)
                .database(database)
                .clientName(clientName)
                // No CLIENT SETINFO: one permission less for a least-privilege ACL user (Redis 7.2+ checks it).
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED)
                .user(user.orElse(null))
                .password(password.orElse(null))
                .ssl(tls);
        if (tls) {
            // Jedis checks the certificate chain but not, by default, that it was issued for this host.
            SSLParameters checkHostName = new SSLParameters();
            checkHostName.setEndpointIdentificationAlgorithm("HTTPS");
            builder.sslParameters(checkHostName);
        }
        return builder.build();
    }

    /** The URL with the password masked, for logs; for Sentinel and Cluster the nodes the relay starts from. */
    public String redactedUrl() {
        String credentials = password.isPresent() || user.isPresent()
                ? user.orElse("") + ":" + (password.isPresent() ? "***" : "") + "@" : "";
        if (topology instanceof RedisTopology.Sentinel sentinel) {
            return "sentinel " + credentials + RedisTopology.describe(sentinel.sentinels()) + " master " + sentinel.master()
                    + (sentinel.password().isPresent() ? " (sentinel password ***)" : "") + (tls ? " (TLS)" : "");
        }
        if (topology instanceof RedisTopology.Cluster cluster) {
            return "cluster " + credentials + RedisTopology.describe(cluster.seeds()) + (tls ? " (TLS)" : "");
        }
        String hostPart = host.contains(":") ? "[" + host + "]" : host;
        return (tls ? "rediss://" : "redis://") + credentials + hostPart + ":" + port + "/" + database;
    }

    @Override
    public String toString() {
        return "RedisRelayConfig[" + redactedUrl() + ", prefix=" + prefix + ", " + timings + "]";
    }

    private static String host(String hostPort) {
        String host;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                throw invalid("has an unterminated IPv6 address");
            }
            host = hostPort.substring(1, close);
        } else {
            int colon = hostPort.lastIndexOf(':');
            host = colon >= 0 ? hostPort.substring(0, colon) : hostPort;
        }
        if (host.isEmpty()) {
            throw invalid("has no host");
        }
        return host;
    }

    private static int port(String hostPort) {
        int close = hostPort.lastIndexOf(']');
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0 || colon < close) {
            return DEFAULT_PORT;
        }
        String digits = hostPort.substring(colon + 1);
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw invalid("port '" + digits + "' is not a number");
        }
    }

    private static int database(String path) {
        if (path == null || path.isEmpty() || path.equals("/")) {
            return 0;
        }
        try {
            return Integer.parseInt(path.substring(1));
        } catch (NumberFormatException e) {
            throw invalid("the path must be a database number like /0, not '" + path + "'");
        }
    }

    /** Percent-decoding only: a '+' in a password is a plus, not a space as in form encoding. */
    private static String decode(String raw) {
        try {
            return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalid("user or password has a broken %-escape");
        }
    }

    private static IllegalArgumentException invalid(String why) {
        return new IllegalArgumentException("CHAT_REDIS_URL " + why);
    }
}
