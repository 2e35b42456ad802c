package org.chatrooms.relay.redis;

/**
 * The node's subscriptions to its rooms' channels, kept alive across reconnects: {@link RedisSubscriber} (one
 * connection, classic SUBSCRIBE: one server or Sentinel) or {@link ShardedSubscriber} (Cluster: one SSUBSCRIBE
 * connection per shard that owns a joined room). Both hand confirmations and messages to the same
 * {@link SubscriberConnection.Inbox} and never block the caller on the network.
 *
 * <p>Generations: every connection either kind opens gets a number never used before by this node, so a room
 * confirmed on one connection is unconfirmed the moment that connection dies, and a room confirmed again on a
 * new one is known to have been away (and is caught up from its history).
 */
interface RoomSubscriber extends AutoCloseable {

    void start();

    /** Asks for a room's channel; a connection made later subscribes it anyway. */
    void subscribe(String channel);

    void unsubscribe(String channel);

    /** Generation of the live connection that carries {@code channel}; 0 when there is none. */
    long liveGeneration(String channel);

    /** Whether the node can receive now (every connection it needs answers). */
    boolean isLive();

    @Override
    void close();
}
