package org.chatrooms.relay.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.apache.commons.pool2.impl.GenericObjectPoolConfig;

import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.providers.ClusterConnectionProvider;
import redis.clients.jedis.util.JedisClusterCRC16;
import redis.clients.jedis.util.Pool;
import redis.clients.jedis.util.SafeEncoder;

/**
 * Where each command and subscription goes, for the three {@link RedisTopology topologies}: the pooled client for
 * scripts (Jedis's own {@link RedisClient}, {@link RedisSentinelClient} or {@link RedisClusterClient}) and the
 * address a subscribed connection must be opened to. Everything topology-specific of the relay is here, so the
 * scripts, the publisher and the dispatcher are the same in every mode.
 *
 * <ul>
 *   <li>Standalone: the configured host and port.</li>
 *   <li>Sentinel: {@link RedisSentinelClient} over a {@link SentinelPrimaryProvider}, which asks the sentinels
 *       again after any sign the primary moved; the subscriber asks them on every (re)connect ({@link #primary()});
 *       both check {@code ROLE} ({@link #requirePrimary}), so neither settles on a demoted primary.</li>
 *   <li>Cluster: {@link RedisClusterClient} routes each script call by the slot of its keys (the room's hash tag);
 *       {@link #primaryOf(int)} names the shard that owns a room's slot, where its sharded subscription goes.</li>
 * </ul>
 * Thread-safe. It starts no thread, and neither do the Jedis clients it makes (no Sentinel listener threads, no
 * Cluster topology timer). Public for presence ({@code org.chatrooms.presence.redis}), whose scripts go where the
 * room's keys are, by the same rules; each user makes its own instance (its own pool).
 */
public final class RedisNodes implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RedisNodes.class.getName());

    private final RedisRelayConfig config;
    /** One server and Sentinel: the client, made at once (it connects only when used). */
    private final UnifiedJedis client;
    /** Cluster: makes the provider and client, which learn the slots as they are made (and fail without a seed). */
    private final Supplier<ClusterClients> clusterFactory;
    // Guarded by this: the Cluster's provider and client once made; whether close() ran.
    private ClusterClients cluster;
    private boolean closed;
    /** Cluster: the configuration problem last logged by {@link #refreshSlots}, so it is logged once. */
    private final AtomicReference<String> refreshProblem = new AtomicReference<>();
    /** Sentinel only (RedisSentinelClient's own accessors assume its default provider). */
    private final SentinelPrimaryProvider sentinelProvider;

    public RedisNodes(RedisRelayConfig config, String clientName, GenericObjectPoolConfig<Connection> pool) {
        this.config = config;
        JedisClientConfig clientConfig = config.clientConfig(clientName);
        RedisTopology topology = config.topology();
        if (topology instanceof RedisTopology.Sentinel sentinel) {
            this.clusterFactory = null;
            Set<HostAndPort> sentinels = new LinkedHashSet<>(sentinel.sentinels());
            this.sentinelProvider = new SentinelPrimaryProvider(this::primary, clientConfig, pool);
            this.client = RedisSentinelClient.builder()
                    .masterName(sentinel.master())
                    .sentinels(sentinels)
                    .clientConfig(clientConfig)
                    .sentinelClientConfig(sentinelConfig(config))
                    .poolConfig(pool)
                    .connectionProvider(sentinelProvider)
                    .build();
        } else if (topology instanceof RedisTopology.Cluster seeds) {
            this.sentinelProvider = null;
            this.client = null;
            // Made on first use rather than here: Jedis learns the slots in the provider's constructor, which fails
            // when no seed answers, and a node must start (not ready) and retry while Redis is away.
            this.clusterFactory = () -> {
                // Own provider, so the relay can ask which primary owns a slot (for the sharded subscriptions).
                // No periodic refresh (its timer thread would be Jedis's, not ours): the relay refreshes the
                // slots when a shard connection fails, a call is MOVED, or Redis takes a subscription away.
                ClusterConnectionProvider provider = new ClusterConnectionProvider(
                        new LinkedHashSet<>(seeds.seeds()), clientConfig, pool);
                RedisClusterClient commands = RedisClusterClient.builder()
                        .nodes(new LinkedHashSet<>(seeds.seeds()))
                        .clientConfig(clientConfig)
                        .connectionProvider(provider)
                        // Script calls go through pipelines, which never retry; these bound the few direct calls
                        // (history reads while catching up), which may follow MOVED once the topology changed.
                        .maxAttempts(3)
                        .maxTotalRetriesDuration(config.timings().ioTimeout().multipliedBy(2))
                        .build();
                return new ClusterClients(provider, commands);
            };
        } else {
            this.clusterFactory = null;
            this.sentinelProvider = null;
            this.client = RedisClient.builder()
                    .hostAndPort(config.address())
                    .clientConfig(clientConfig)
                    .poolConfig(pool)
                    .build();
        }
    }

    /**
     * A pool of at most {@code size} connections (per server, in a Cluster) with no evictor: its timer thread is
     * shared by every pool in the class loader and outlives a redeploy's close() for a while; dead idle connections
     * are cleared on reconnect instead. Borrowing waits at most as long as any command may take.
     */
    public static GenericObjectPoolConfig<Connection> pool(RedisRelayConfig config, int size) {
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(size);
        pool.setMaxIdle(size);
        pool.setTimeBetweenEvictionRuns(Duration.ofMillis(-1));
        pool.setMaxWait(config.timings().ioTimeout());
        // Pools register an MBean per instance by default; several nodes or redeploys in one JVM would pile up names.
        pool.setJmxEnabled(false);
        return pool;
    }

    /** The pooled client the scripts run through. Cluster: throws a Jedis exception while no seed answered yet. */
    public UnifiedJedis commands() {
        return clusterFactory == null ? client : cluster().commands();
    }

    public boolean isCluster() {
        return clusterFactory != null;
    }

    private record ClusterClients(ClusterConnectionProvider provider, RedisClusterClient commands) {
    }

    /** The Cluster's clients, made now if they were not yet; throws a Jedis exception when that fails. */
    private synchronized ClusterClients cluster() {
        if (closed) {
            throw new JedisException("the relay is closing");
        }
        if (cluster == null) {
            cluster = clusterFactory.get();
        }
        return cluster;
    }

    private synchronized ClusterClients clusterIfMade() {
        return cluster;
    }

    /** Standalone and Sentinel: where the subscribed connection goes now. Throws when no sentinel knows. */
    HostAndPort primary() {
        if (!(config.topology() instanceof RedisTopology.Sentinel sentinel)) {
            return config.address();
        }
        JedisException last = null;
        JedisClientConfig asked = sentinelConfig(config);
        for (HostAndPort address : sentinel.sentinels()) {
            try (Jedis jedis = new Jedis(address, asked)) {
                List<String> primary = jedis.sentinelGetMasterAddrByName(sentinel.master());
                if (primary != null && primary.size() == 2) {
                    return new HostAndPort(primary.get(0), Integer.parseInt(primary.get(1)));
                }
            } catch (JedisException e) {
                if (RedisProblems.isConfigurationError(e)) {
                    throw new RedisProblems.SentinelRefusal(RedisTopology.describe(List.of(address)), e);
                }
                last = e;
            }
        }
        throw new JedisException("no sentinel of " + RedisTopology.describe(sentinel.sentinels())
                + " knows a primary named " + sentinel.master(), last);
    }

    /**
     * Sentinel: Redis answered as a replica ({@code READONLY}), so the sentinels have named another primary since;
     * the next call asks them again. Nothing in the other modes.
     */
    public void primaryMayHaveMoved() {
        if (sentinelProvider != null) {
            sentinelProvider.primaryMayHaveMoved();
        }
    }

    /**
     * Throws unless {@code connection} reached a primary: a sentinel may still name one that was demoted, where
     * writes are refused and a subscription hears nothing (posts go to the new primary, and publish.lua counts only
     * its subscribers).
     */
    static void requirePrimary(Connection connection, HostAndPort address) {
        Object role = connection.executeCommand(Protocol.Command.ROLE);
        if (!(role instanceof List<?> reply) || reply.isEmpty()
                || !"master".equals(SafeEncoder.encode((byte[]) reply.get(0)))) {
            throw new JedisException(address + " is not a primary (yet); the sentinels' answer is stale");
        }
    }

    /**
     * Sentinel: the primary the pool uses now (as the sentinels last named it, or as the subscriber found it), or
     * empty while unknown (one server and Cluster: always empty). Never blocks on the network, so the subscriber's
     * control thread can ask every ping: a subscription left on a primary that handed over while alive (it keeps
     * running and answering, so no ping fails) hears none of the posts, which go to the new primary.
     */
    Optional<HostAndPort> followedPrimary() {
        return sentinelProvider == null ? Optional.empty() : sentinelProvider.currentPrimary();
    }

    /**
     * Sentinel: the subscriber reached the primary at {@code address} (its {@code ROLE} checked): the pool follows
     * it there too. A no-op otherwise.
     */
    void followPrimary(HostAndPort address) {
        if (sentinelProvider != null) {
            sentinelProvider.use(address);
        }
    }

    /**
     * Sentinel: asks the sentinels now which primary to use (the publisher thread does it while idle, so that a
     * primary that handed over while alive is noticed without a post failing first). Blocks for at most the I/O
     * timeout per sentinel; a no-op otherwise.
     */
    void recheckPrimary() {
        if (sentinelProvider != null) {
            sentinelProvider.primaryMayHaveMoved();
            try {
                sentinelProvider.currentPool();
            } catch (JedisException e) {
                LOG.log(Level.FINE, "Could not ask the sentinels for the primary", e);
            }
        }
    }

    /** Whether a subscribed connection must check that it reached a primary (Sentinel: it may be stale). */
    boolean subscribersCheckRole() {
        return config.topology() instanceof RedisTopology.Sentinel;
    }

    /** Cluster: the primary that owns {@code slot}, as this node last learnt the slots. */
    HostAndPort primaryOf(int slot) {
        return cluster().provider().getNode(slot);
    }

    /**
     * A pipeline to the server that holds {@code sampleKey}: the one server, the current primary, or in a Cluster
     * the primary owning the key's slot (ClusterPipeline is avoided: it fails a whole batch when one shard is
     * down and runs each multi-shard sync on a thread pool of its own). Closing it returns the connection.
     */
    AbstractPipeline pipeline(String sampleKey) {
        if (clusterFactory == null) {
            return client.pipelined();
        }
        return new Pipeline(cluster().provider().getConnectionFromSlot(slotOf(sampleKey)), true);
    }

    /** Which server a key's commands go to now; one value for all keys unless this is a Cluster. */
    public Object shardOf(String sampleKey) {
        return clusterFactory == null ? "" : cluster().provider().getNode(slotOf(sampleKey));
    }

    /**
     * Cluster: learns the slots again (after a MOVED, a lost shard or a sunsubscribe from Redis). This is where a
     * Cluster node first talks to Redis, so a setting that is wrong (password, user, TLS) shows here: it is logged
     * as SEVERE, once until it changes (the other failures, the transient kind during a failover, at FINE).
     */
    public boolean refreshSlots() {
        if (clusterFactory == null) {
            return true;
        }
        try {
            cluster().provider().renewSlotCache();
            refreshProblem.set(null);
            return true;
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "Could not refresh the cluster's slots", e);
            if (RedisProblems.isConfigurationError(e)) {
                String problem = RedisProblems.describe(e, config);
                if (!problem.equals(refreshProblem.getAndSet(problem))) {
                    LOG.severe("Cannot use the Redis Cluster at " + config.redactedUrl() + ": " + problem
                            + ". Retrying with backoff; this server is not ready for chat until then.");
                }
            }
            return false;
        }
    }

    /**
     * Which history of data the server holding {@code sampleKey} serves: its replication id ({@code INFO
     * replication}'s {@code master_replid}; a replica reports its primary's). A primary's id changes when a replica
     * is promoted in its place and when it restarts without its data, so a changed id means writes acknowledged
     * before may be gone. Throws a Jedis exception when the server cannot be reached.
     */
    public String datasetOf(String sampleKey) {
        Object reply = commands().sendCommand(sampleKey, Protocol.Command.INFO, "replication");
        String info = reply instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(reply);
        return info.lines().filter(line -> line.startsWith("master_replid:")).findFirst()
                .map(line -> line.substring("master_replid:".length()).trim())
                .orElseThrow(() -> new JedisException("INFO replication names no master_replid"));
    }

    static int slotOf(String key) {
        return JedisClusterCRC16.getSlot(key);
    }

    /**
     * Redis may have restarted or failed over: pooled connections opened before are dead, and using one would
     * fail a user's post. Drops the idle ones so the next post opens a fresh connection.
     */
    void discardIdleConnections() {
        try {
            if (client instanceof RedisClient single) {
                single.getPool().clear();
            } else if (sentinelProvider != null) {
                sentinelProvider.primaryMayHaveMoved();
                for (Object pool : sentinelProvider.getPrimaryNodesConnectionMap().values()) {
                    if (pool instanceof Pool<?> connections) {
                        connections.clear();
                    }
                }
            } else if (clusterIfMade() != null) {
                clusterIfMade().provider().getNodes().values().forEach(RedisNodes::clear);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "Could not clear idle Redis connections", e);
        }
    }

    @Override
    public void close() {
        ClusterClients made;
        synchronized (this) {
            closed = true;
            made = cluster;
        }
        if (made != null) {
            made.commands().close();
        } else if (client != null) {
            client.close();
        }
    }

    private static void clear(Pool<?> pool) {
        pool.clear();
    }

    /**
     * Sentinels are asked with their own password if one is set ({@code CHAT_REDIS_SENTINEL_PASSWORD}, the default
     * user), with the data nodes' timeouts and TLS setting.
     */
    private static JedisClientConfig sentinelConfig(RedisRelayConfig config) {
        int timeout = Math.toIntExact(config.timings().ioTimeout().toMillis());
        Optional<String> password = config.topology() instanceof RedisTopology.Sentinel sentinel
                ? sentinel.password() : Optional.empty();
        return DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeout)
                .socketTimeoutMillis(timeout)
                .password(password.orElse(null))
                .ssl(config.tls())
                .clientSetInfoConfig(redis.clients.jedis.ClientSetInfoConfig.DISABLED)
                .build();
    }

}
