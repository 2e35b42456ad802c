package org.chatrooms.relay.redis;

import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;

import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionFactory;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.providers.ConnectionProvider;

/**
 * The pooled connections to the primary that the sentinels name, for Sentinel mode. Jedis's own
 * {@code SentineledConnectionProvider} is not used: it keeps a {@code +switch-master} listener thread per sentinel,
 * and one shut down while it is (re)connecting can go on to subscribe and stay blocked there (seen in
 * {@code SentinelRedisRelayTest} on a loaded machine: a listener still reading its subscription after
 * {@code close}), which leaks a thread, and with it the web application's class loader, on a redeploy.
 *
 * <p>Here the primary is asked of the sentinels ({@code askSentinels}) when first needed, and again after any sign
 * that it moved: a pooled connection that broke or could not be made, a new connection that reached a replica
 * ({@code ROLE}), or {@link #primaryMayHaveMoved} (Redis answered {@code READONLY}, or the publisher's periodic
 * check while idle); and it follows the relay's subscriber wherever that found the primary ({@link #use}). A
 * failover breaks every connection to the old primary, so the next call after it asks again. It starts no
 * thread. Thread-safe; the swap of pools is guarded by {@code this}, the staleness flag is volatile.
 */
final class SentinelPrimaryProvider implements ConnectionProvider {

    private final Supplier<HostAndPort> askSentinels;
    private final JedisClientConfig clientConfig;
    private final GenericObjectPoolConfig<Connection> poolConfig;
    private volatile boolean stale = true;
    // Guarded by this:
    private HostAndPort primary;
    private ConnectionPool pool;
    private boolean closed;

    /** @param askSentinels names the current primary; throws a Jedis exception when no sentinel can */
    SentinelPrimaryProvider(Supplier<HostAndPort> askSentinels, JedisClientConfig clientConfig,
                            GenericObjectPoolConfig<Connection> poolConfig) {
        this.askSentinels = askSentinels;
        this.clientConfig = clientConfig;
        this.poolConfig = poolConfig;
    }

    /** The next connection asks the sentinels again first. */
    void primaryMayHaveMoved() {
        stale = true;
    }

    /** The primary the pool uses now; empty before the first connection. Never blocks on the network. */
    synchronized Optional<HostAndPort> currentPrimary() {
        return Optional.ofNullable(primary);
    }

    /** Uses the primary at {@code address}, which a caller found with its {@code ROLE} checked (the subscriber). */
    synchronized void use(HostAndPort address) {
        if (!closed) {
            switchTo(address);
            stale = false;
        }
    }

    /** The pool to the primary, asking the sentinels first if it may have moved; throws when none can say. */
    ConnectionPool currentPool() {
        return pool();
    }

    @Override
    public Connection getConnection() {
        return pool().getResource();
    }

    @Override
    public Connection getConnection(CommandArguments args) {
        return getConnection();
    }

    @Override
    public synchronized Map<?, ?> getConnectionMap() {
        return pool == null ? Map.of() : Map.of(primary, pool);
    }

    @Override
    public Map<?, ?> getPrimaryNodesConnectionMap() {
        return getConnectionMap();
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (pool != null) {
            pool.close();
        }
    }

    /** The pool to the primary; a new one when the sentinels name another (the old one's connections are closed). */
    private synchronized ConnectionPool pool() {
        if (closed) {
            throw new JedisException("the relay is closing");
        }
        if (stale || pool == null) {
            HostAndPort named = askSentinels.get();
            stale = false;
            switchTo(named);
        }
        return pool;
    }

    private void switchTo(HostAndPort address) {
        if (!address.equals(primary)) {
            ConnectionPool old = pool;
            pool = new ConnectionPool(new PrimaryConnections(address), poolConfig);
            primary = address;
            if (old != null) {
                old.close();
            }
        }
    }

    /** Makes connections to one address, checking each reached a primary, and notices the ones that broke. */
    private final class PrimaryConnections extends ConnectionFactory {
        private final HostAndPort address;

        PrimaryConnections(HostAndPort address) {
            super(address, clientConfig);
            this.address = address;
        }

        @Override
        public PooledObject<Connection> makeObject() throws Exception {
            PooledObject<Connection> made;
            try {
                made = super.makeObject();
            } catch (Exception e) {
                stale = true;
                throw e;
            }
            try {
                RedisNodes.requirePrimary(made.getObject(), address);
            } catch (RuntimeException e) {
                stale = true;
                made.getObject().close();
                throw e;
            }
            return made;
        }

        @Override
        public void destroyObject(PooledObject<Connection> pooled) throws Exception {
            if (pooled.getObject().isBroken()) {
                stale = true;
            }
            super.destroyObject(pooled);
        }
    }
}
