package org.chatrooms.relay.redis;

import java.util.Arrays;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;

import redis.clients.jedis.Connection;
import redis.clients.jedis.JedisPubSub;

/**
 * One attempt of the subscriber: one Redis connection in subscribed mode and its {@link JedisPubSub}. A
 * {@code JedisPubSub} cannot be reused once its connection ended, so every attempt makes a new one.
 *
 * <p>Threads: the subscriber thread calls {@link #run}, which blocks reading until the connection ends, and receives
 * every callback. After it is connected (the first reply, so the initial SUBSCRIBE is written), only the
 * control thread writes: {@link #request}, {@link #drop}, {@link #ping}. Any thread may {@link #kill} it.
 *
 * <p>Redis answers each SUBSCRIBE and UNSUBSCRIBE of a channel in order but without saying which request an answer
 * belongs to, so this counts requests in flight per channel: a room counts as subscribed only when the answer to
 * its last request arrived and that request was a SUBSCRIBE. (Join, leave, join in quick succession would
 * otherwise be confirmed by the first answer while the leave was still to come.)
 */
final class SubscriberConnection extends JedisPubSub {

    /**
     * Where room traffic goes, straight from the read loop: the relay's dispatcher. Every call comes on the
     * subscriber thread and must never wait on the network (a live message may be delivered on it, a catch-up is
     * queued).
     */
    interface Inbox {
        /** Redis confirmed {@code channel} on the connection {@code generation}. */
        void subscribed(String channel, long generation);

        void message(String channel, String payload);
    }

    /** Channels per SUBSCRIBE command when re-subscribing many rooms, to keep each command small. */
    private static final int CHANNELS_PER_COMMAND = 500;

    private final long generation;
    private final Connection connection;
    private final String nodeChannel;
    private final Runnable connected;
    private final Inbox inbox;
    private final ConcurrentHashMap<String, Integer> inFlight = new ConcurrentHashMap<>();
    private volatile boolean live;
    private volatile boolean wasLive;
    private volatile String droppedBecause;
    private volatile long lastHeardNanos = System.nanoTime();

    /**
     * @param connected called once (subscriber thread) when Redis accepted the connection's first subscription:
     *                  it is live and the control thread may write
     */
    SubscriberConnection(long generation, Connection connection, String nodeChannel, Runnable connected,
                         Inbox inbox) {
        this.generation = generation;
        this.connection = connection;
        this.nodeChannel = nodeChannel;
        this.connected = connected;
        this.inbox = inbox;
    }

    long generation() {
        return generation;
    }

    /** Subscribes to the node's own channel and reads until the connection ends; subscriber thread only. */
    void run() {
        proceed(connection, nodeChannel);
    }

    boolean isLive() {
        return live;
    }

    /** Why this node closed the connection itself, or null. */
    String droppedBecause() {
        return droppedBecause;
    }

    /** Whether it ever was live, even if it is dead now: a lost connection rather than a failed attempt. */
    boolean wasLive() {
        return wasLive;
    }

    long silentNanos() {
        return System.nanoTime() - lastHeardNanos;
    }

    // ---- control thread ----

    void request(Collection<String> channels) {
        String[] batch = channels.toArray(String[]::new);
        for (int from = 0; from < batch.length; from += CHANNELS_PER_COMMAND) {
            String[] chunk = Arrays.copyOfRange(batch, from, Math.min(batch.length, from + CHANNELS_PER_COMMAND));
            for (String channel : chunk) {
                inFlight.merge(channel, 1, Integer::sum);
            }
            subscribe(chunk);
        }
    }

    void drop(String channel) {
        inFlight.merge(channel, 1, Integer::sum);
        unsubscribe(channel);
    }

    void sendPing() {
        ping();
    }

    // ---- any thread ----

    /**
     * Closes the socket without a goodbye: the subscriber thread's blocked read then fails and it reconnects.
     * {@code why} is what the log reports as the cause, rather than the "socket closed" the reader then sees.
     */
    void kill(String why) {
        if (droppedBecause == null) {
            droppedBecause = why;
        }
        live = false;
        try {
            connection.forceDisconnect();
        } catch (java.io.IOException | RuntimeException ignored) {
            // best effort: closing a socket that is already broken
        }
    }

    // ---- subscriber thread: Jedis callbacks ----

    @Override
    public void onSubscribe(String channel, int subscribedChannels) {
        heard();
        if (!live && channel.equals(nodeChannel)) {
            live = true;
            wasLive = true;
            connected.run();
        } else if (answered(channel)) {
            inbox.subscribed(channel, generation);
        }
    }

    @Override
    public void onUnsubscribe(String channel, int subscribedChannels) {
        heard();
        answered(channel);
    }

    @Override
    public void onMessage(String channel, String message) {
        heard();
        inbox.message(channel, message);
    }

    @Override
    public void onPong(String pattern) {
        heard();
    }

    /** Counts one answer for {@code channel}; true when it was the answer to the last request in flight. */
    private boolean answered(String channel) {
        return inFlight.computeIfPresent(channel, (c, count) -> count == 1 ? null : count - 1) == null;
    }

    private void heard() {
        lastHeardNanos = System.nanoTime();
    }
}
