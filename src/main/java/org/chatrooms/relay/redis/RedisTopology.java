package org.chatrooms.relay.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import redis.clients.jedis.HostAndPort;

/**
 * How the Redis the relay uses is laid out: one server ({@code CHAT_REDIS_URL}), a primary whose replicas
 * Sentinel watches ({@code CHAT_REDIS_SENTINELS} + {@code CHAT_REDIS_MASTER}), or a Redis Cluster
 * ({@code CHAT_REDIS_CLUSTER}). Immutable. The scripts, keys and streams are the same in all three; what differs is
 * how the relay finds the server a command or a subscription must go to (docs/redis-relay.md).
 */
public sealed interface RedisTopology {

    /** One Redis at the config's host and port, whatever it is behind (a proxy, a managed endpoint). */
    record Standalone() implements RedisTopology {
    }

    /**
     * A primary and its replicas, found through Sentinel: every connection asks the sentinels for the current
     * primary of {@code master}, so after a failover the relay follows the promoted replica by itself.
     * {@code password} is the sentinels' own ({@code requirepass} in their configuration), never shown by
     * {@link #toString()}; the data nodes' credentials are the config's.
     */
    record Sentinel(String master, List<HostAndPort> sentinels, Optional<String> password) implements RedisTopology {
        public Sentinel {
            if (master.isBlank()) {
                throw new IllegalArgumentException("CHAT_REDIS_MASTER must name the master Sentinel watches");
            }
            sentinels = List.copyOf(sentinels);
        }

        public Sentinel(String master, List<HostAndPort> sentinels) {
            this(master, sentinels, Optional.empty());
        }

        @Override
        public String toString() {
            return "Sentinel[master=" + master + ", sentinels=" + describe(sentinels)
                    + (password.isPresent() ? ", password=***" : "") + "]";
        }
    }

    /**
     * A Redis Cluster, reached through any of its {@code seeds}: a room's keys and its sharded channel live on the
     * shard that owns the room's hash slot, and each room is published with SPUBLISH and read with SSUBSCRIBE there.
     */
    record Cluster(List<HostAndPort> seeds) implements RedisTopology {
        public Cluster {
            seeds = List.copyOf(seeds);
        }
    }

    /** Parses {@code host:port,host:port} (also {@code [::1]:port}); {@code setting} names the variable in errors. */
    static List<HostAndPort> addresses(String setting, String list) {
        List<HostAndPort> addresses = new ArrayList<>();
        for (String entry : list.split("[,\\s]+")) {
            if (entry.isEmpty()) {
                continue;
            }
            int colon = entry.lastIndexOf(':');
            if (colon <= 0 || colon == entry.length() - 1 || entry.lastIndexOf(']') > colon) {
                throw new IllegalArgumentException(setting + ": '" + entry + "' is not host:port");
            }
            String host = entry.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(entry.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(setting + ": port of '" + entry + "' is not a number");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException(setting + ": port of '" + entry + "' is out of range");
            }
            addresses.add(new HostAndPort(host, port));
        }
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException(setting + " names no host:port");
        }
        return addresses;
    }

    static String describe(List<HostAndPort> addresses) {
        return addresses.stream().map(a -> a.getHost().contains(":") ? "[" + a.getHost() + "]:" + a.getPort()
                : a.getHost() + ":" + a.getPort()).collect(Collectors.joining(","));
    }
}
