package org.chatrooms.relay.redis;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.chatrooms.concurrent.OwnedThreads;
import org.chatrooms.relay.redis.RedisRelayConfig.Timings;

import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisRedirectionException;
import redis.clients.jedis.util.SafeEncoder;

/**
 * One Cluster primary's share of this node's rooms: a connection with sharded subscriptions (SSUBSCRIBE) to that
 * primary, kept alive with a reconnect loop until {@link #stop}. Jedis's {@code JedisShardedPubSub} cannot be
 * used here: its read loop ends when the subscription count drops to zero and it cannot PING, which a subscribed
 * connection needs to notice a half-open socket; so this reads the replies itself.
 *
 * <p>Threads: {@code chat-redis-shard-<port>-<node>} connects and reads, handing confirmations and messages to
 * the {@link SubscriberConnection.Inbox} at once. Everything else (add, remove, ping, subscribe-all) is called by
 * the {@link ShardedSubscriber}'s control thread, the only writer once a connection is up. Redis answers
 * SSUBSCRIBE and SUNSUBSCRIBE in order without saying which request an answer is for, so (as in
 * {@link SubscriberConnection}) requests in flight are counted per channel; an SUNSUBSCRIBE with none in flight
 * was Redis's own doing: the slot moved.
 */
final class ShardLink {

    private static final Logger LOG = Logger.getLogger(ShardLink.class.getName());

    /** What the link tells its owner, from its reader thread; each must return at once. */
    interface Events {
        /** A connection is up; {@code afterFailure} when an earlier one of this link failed. */
        void connected(ShardLink link, boolean afterFailure);

        void lost(ShardLink link);

        /** Redis dropped {@code channel} (its slot moved elsewhere), or answered MOVED for it ({@code null}). */
        void takenAway(ShardLink link, String channel);
    }

    private final HostAndPort address;
    private final JedisClientConfig clientConfig;
    private final AtomicLong generations;
    private final Timings timings;
    private final SubscriberConnection.Inbox inbox;
    private final Events events;
    private final Thread thread;
    /** The channels this link should carry. */
    private final Set<String> channels = ConcurrentHashMap.newKeySet();
    /** On while the loop should run; turning it off wakes the reconnect pause. */
    private final LoopSwitch loop = new LoopSwitch(true);
    private volatile Attempt current;
    private volatile boolean failed;
    private volatile boolean wasLive;

    ShardLink(HostAndPort address, String nodeId, JedisClientConfig clientConfig, AtomicLong generations,
              Timings timings, SubscriberConnection.Inbox inbox, Events events) {
        this.address = address;
        this.clientConfig = clientConfig;
        this.generations = generations;
        this.timings = timings;
        this.inbox = inbox;
        this.events = events;
        this.thread = OwnedThreads.thread("chat-redis-shard-" + address.getPort() + "-" + nodeId, this::run);
    }

    HostAndPort address() {
        return address;
    }

    void start() {
        thread.start();
    }

    Set<String> channels() {
        return Set.copyOf(channels);
    }

    boolean isEmpty() {
        return channels.isEmpty();
    }

    /** Whether the last connection failed and none is up since (its shard may have failed over). */
    boolean hasFailed() {
        return failed;
    }

    /** Whether a connection of this link was ever up. */
    boolean wasLive() {
        return wasLive;
    }

    long liveGeneration(Duration silenceLimit) {
        Attempt attempt = current;
        return attempt != null && attempt.live && attempt.silentNanos() <= silenceLimit.toNanos()
                ? attempt.generation : 0;
    }

    // ---- control thread ----

    void add(String channel) {
        if (channels.add(channel)) {
            write(attempt -> attempt.request(Protocol.Command.SSUBSCRIBE, List.of(channel)));
        }
    }

    void remove(String channel) {
        if (channels.remove(channel)) {
            write(attempt -> attempt.request(Protocol.Command.SUNSUBSCRIBE, List.of(channel)));
        }
    }

    /** Redis unsubscribed it already. */
    void forget(String channel) {
        channels.remove(channel);
    }

    /**
     * Asks again for channels this link carries that the live connection has neither confirmed nor a request in
     * flight for: a MOVED answer while the slots were being learnt, or a subscription Redis took away.
     */
    void resubscribeMissing() {
        write(attempt -> {
            List<String> missing = channels.stream()
                    .filter(c -> !attempt.confirmed.contains(c) && !attempt.inFlight.containsKey(c)).toList();
            if (!missing.isEmpty()) {
                attempt.request(Protocol.Command.SSUBSCRIBE, missing);
            }
        });
    }

    /** A new connection is up: subscribe everything this link carries. */
    void subscribeAll() {
        write(attempt -> attempt.request(Protocol.Command.SSUBSCRIBE, List.copyOf(channels)));
    }

    void pingOrDrop(Duration silenceLimit) {
        Attempt attempt = current;
        if (attempt == null || !attempt.live) {
            return;
        }
        if (attempt.silentNanos() > silenceLimit.toNanos()) {
            attempt.kill("Redis at " + address + " did not answer pings for "
                    + TimeUnit.NANOSECONDS.toMillis(attempt.silentNanos()) + " ms");
        } else {
            write(Attempt::ping);
        }
    }

    /** Ends the link: closes its connection; the reader thread ends. */
    void stop() {
        loop.turnOff();
        Attempt attempt = current;
        if (attempt != null) {
            attempt.kill("the link is closing");
        }
    }

    void join(Duration timeout) {
        OwnedThreads.join(thread, timeout);
    }

    private void write(java.util.function.Consumer<Attempt> command) {
        Attempt attempt = current;
        if (attempt == null || !attempt.live) {
            return; // the next connection subscribes everything anyway
        }
        try {
            command.accept(attempt);
        } catch (JedisException e) {
            LOG.log(Level.FINE, "Write to the sharded subscription at " + address + " failed", e);
            attempt.kill("a write to Redis at " + address + " failed: " + e.getMessage());
        }
    }

    // ---- reader thread ----

    private void run() {
        Backoff backoff = new Backoff(timings.minBackoff(), timings.maxBackoff());
        while (isRunning()) {
            Attempt attempt = null;
            try {
                ShardConnection connection = new ShardConnection(address, clientConfig);
                attempt = new Attempt(generations.incrementAndGet(), connection);
                current = attempt;
                if (!isRunning()) {
                    break;
                }
                attempt.live = true;
                wasLive = true;
                boolean afterFailure = failed;
                failed = false;
                backoff.reset();
                events.connected(this, afterFailure);
                attempt.read();
            } catch (JedisException | IllegalStateException e) {
                if (isRunning()) {
                    String why = attempt != null && attempt.droppedBecause != null ? attempt.droppedBecause
                            : e.getMessage();
                    if (attempt != null && attempt.live) {
                        LOG.warning("Lost the sharded subscription at " + address + " (" + why + "); its rooms are "
                                + "refused until it or the shard's new primary is back");
                    } else {
                        LOG.log(Level.FINE, "Cannot connect to " + address, e);
                    }
                }
            } catch (RuntimeException | LinkageError e) {
                LOG.log(Level.SEVERE, "Unexpected failure of the sharded subscription at " + address, e);
            } finally {
                current = null;
                if (attempt != null) {
                    attempt.kill("the attempt ended");
                }
            }
            if (isRunning()) {
                failed = true;
                events.lost(this);
                pause(backoff.nextMillis());
            }
        }
    }

    private boolean isRunning() {
        return loop.isOn();
    }

    /** Waits before the next attempt; {@link #close} cuts it short. */
    private void pause(long millis) {
        loop.pause(millis);
    }

    /** One connection: its generation, requests in flight, and when it was last heard. */
    private final class Attempt {
        final long generation;
        final ShardConnection connection;
        final ConcurrentHashMap<String, Integer> inFlight = new ConcurrentHashMap<>();
        /** Channels Redis confirmed on this connection (and did not drop since). */
        final Set<String> confirmed = ConcurrentHashMap.newKeySet();
        volatile boolean live;
        volatile long lastHeardNanos = System.nanoTime();
        volatile String droppedBecause;

        Attempt(long generation, ShardConnection connection) {
            this.generation = generation;
            this.connection = connection;
        }

        long silentNanos() {
            return System.nanoTime() - lastHeardNanos;
        }

        /**
         * One command per channel, written together: SSUBSCRIBE and SUNSUBSCRIBE refuse channels of different
         * slots in one command (CROSSSLOT), and every room has a slot of its own.
         */
        void request(ProtocolCommand command, List<String> names) {
            for (String channel : names) {
                inFlight.merge(channel, 1, Integer::sum);
            }
            connection.sendEach(command, names);
        }

        void ping() {
            connection.send(Protocol.Command.PING);
        }

        void kill(String why) {
            if (droppedBecause == null) {
                droppedBecause = why;
            }
            live = false;
            try {
                connection.forceDisconnect();
            } catch (IOException | RuntimeException ignored) {
                // best effort: closing a socket that is already broken
            }
        }

        /** Reads until the connection fails; reader thread only. */
        void read() {
            connection.setTimeoutInfinite();
            while (true) {
                Object reply;
                try {
                    reply = connection.getUnflushedObject();
                } catch (JedisRedirectionException e) {
                    // MOVED for an SSUBSCRIBE: the slot is not (or no longer) this primary's. The request it
                    // answers is not named; all in flight are asked again once the slots are learnt again.
                    lastHeardNanos = System.nanoTime();
                    LOG.fine(() -> "Redis at " + address + " answered " + e.getMessage());
                    inFlight.clear();
                    events.takenAway(ShardLink.this, null);
                    continue;
                }
                lastHeardNanos = System.nanoTime();
                if (!(reply instanceof List<?> parts) || parts.isEmpty() || !(parts.get(0) instanceof byte[] kind)) {
                    continue; // PONG outside subscribed mode (no rooms left on this connection)
                }
                switch (SafeEncoder.encode(kind)) {
                    case "smessage" -> inbox.message(text(parts.get(1)), text(parts.get(2)));
                    case "ssubscribe" -> {
                        String channel = text(parts.get(1));
                        if (answered(channel) && channels.contains(channel)) {
                            confirmed.add(channel);
                            inbox.subscribed(channel, generation);
                        }
                    }
                    case "sunsubscribe" -> {
                        String channel = text(parts.get(1));
                        boolean asked = inFlight.containsKey(channel);
                        answered(channel);
                        confirmed.remove(channel);
                        if (!asked && channels.contains(channel)) {
                            events.takenAway(ShardLink.this, channel);
                        }
                    }
                    default -> { } // pong
                }
            }
        }

        private boolean answered(String channel) {
            return inFlight.computeIfPresent(channel, (c, count) -> count == 1 ? null : count - 1) == null;
        }
    }

    private static String text(Object value) {
        return value == null ? null : SafeEncoder.encode((byte[]) value);
    }

    /** A connection the control thread may write to while the reader thread reads it. */
    private static final class ShardConnection extends Connection {
        ShardConnection(HostAndPort address, JedisClientConfig config) {
            super(address, config);
        }

        synchronized void send(ProtocolCommand command, String... args) {
            sendCommand(command, args);
            flush();
        }

        synchronized void sendEach(ProtocolCommand command, List<String> args) {
            for (String arg : args) {
                sendCommand(command, arg);
            }
            flush();
        }
    }
}
