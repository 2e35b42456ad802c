package org.chatrooms.relay.redis;

import java.util.Optional;

import org.chatrooms.room.RoomName;

/**
 * Every Redis name the relay uses, all under one prefix so several deployments can share a Redis:
 * <ul>
 *   <li>{@code <prefix>room:<name>}: the room's pub/sub channel;</li>
 *   <li>{@code <prefix>room:<name>:id}: the room's message counter (a string key holding the last id);</li>
 *   <li>{@code <prefix>room:<name>:history}: the room's last messages, a short-lived list (see
 *       {@link RoomHistory});</li>
 *   <li>{@code <prefix>epoch}: a token that changes when Redis lost the counters (see {@link PublishScript});</li>
 *   <li>{@code <prefix>node:<node id>}: a channel only one node subscribes to, so its subscribed connection exists
 *       (and can be pinged) while the node has no rooms.</li>
 * </ul>
 * Room names are letters, digits and underscores, so they cannot contain the {@code :} separator.
 * Immutable and thread-safe.
 */
final class RedisKeys {

    private static final String ROOM = "room:";
    private static final String NODE = "node:";

    private final String prefix;

    RedisKeys(String prefix) {
        this.prefix = prefix;
    }

    String roomChannel(RoomName room) {
        return prefix + ROOM + room.value();
    }

    String roomCounter(RoomName room) {
        return prefix + ROOM + room.value() + ":id";
    }

    String roomHistory(RoomName room) {
        return prefix + ROOM + room.value() + ":history";
    }

    String epoch() {
        return prefix + "epoch";
    }

    String nodeChannel(String nodeId) {
        return prefix + NODE + nodeId;
    }

    /** The room whose channel this is, or empty for any other channel. */
    Optional<RoomName> roomOf(String channel) {
        String start = prefix + ROOM;
        return channel.startsWith(start) ? RoomName.parse(channel.substring(start.length())) : Optional.empty();
    }
}
