package org.chatrooms.relay.redis;

import java.time.Duration;
import java.util.List;

import org.chatrooms.room.RoomName;

import redis.clients.jedis.RedisClient;

/**
 * Each room's last {@link #LENGTH} messages, kept by Redis for {@link #KEEP} after the room's last message (the
 * {@link PublishScript} appends and trims in the same step as it publishes).
 *
 * <p>Why: Redis pub/sub keeps nothing for a subscriber that is not connected. When Redis restarts, or one node's
 * connection drops, the nodes come back one by one; what was published between another node's return and this
 * node's is read from here once this node subscribed again, so its users miss nothing of a short outage. Ids make
 * the overlap with live messages harmless: a node delivers each (epoch, id) once.
 *
 * <p>Stateless; any thread (in practice the dispatch thread).
 */
final class RoomHistory {

    /** Enough for a few seconds of a busy room; kept small because every active room holds one. */
    static final int LENGTH = 100;
    /** Longer than any reconnect pause, short enough that idle rooms cost nothing. */
    static final Duration KEEP = Duration.ofSeconds(60);

    private final RedisClient client;
    private final RedisKeys keys;

    RoomHistory(RedisClient client, RedisKeys keys) {
        this.client = client;
        this.keys = keys;
    }

    /** The room's recent payloads, oldest first; throws a Jedis exception when Redis cannot be reached. */
    List<String> read(RoomName room) {
        return client.lrange(keys.roomHistory(room), 0, -1);
    }
}
