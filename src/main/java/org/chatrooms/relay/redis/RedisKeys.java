package org.chatrooms.relay.redis;

import java.util.Optional;

import org.chatrooms.room.RoomName;

/**
 * Every Redis name the relay uses, all under one prefix so several deployments can share a Redis. Everything of
 * one room carries the room's name as its Redis Cluster hash tag ({@code {name}}), so a room's keys and channel
 * live on one shard and the scripts never touch two slots:
 * <ul>
 *   <li>{@code <prefix>room:{<name>}}: the room's pub/sub channel;</li>
 *   <li>{@code <prefix>room:{<name>}:stream}: a hash {@code {epoch, run, top}}, the room's stream position
 *       (see {@code stream-epoch.lua});</li>
 *   <li>{@code <prefix>room:{<name>}:history}: the room's newest messages, a list; it and the hash expire together
 *       once the room has been idle for the retention's time;</li>
 *   <li>{@code <prefix>probe}: a key with a 10 s lifetime, written while Redis refuses posts;</li>
 *   <li>{@code <prefix>node:<node id>}: a channel only one node subscribes to, so its subscribed connection exists
 *       (and can be pinged) while the node has no rooms.</li>
 * </ul>
 * Room names are letters, digits and underscores, so they cannot contain {@code :}, <code>{</code> or
 * <code>}</code>; the prefix must not contain braces either, or it would become the hash tag. Immutable.
 */
final class RedisKeys {

    private static final String ROOM = "room:{";
    private static final String NODE = "node:";

    private final String prefix;

    RedisKeys(String prefix) {
        if (prefix.contains("{") || prefix.contains("}")) {
            throw new IllegalArgumentException("CHAT_REDIS_PREFIX must not contain { or }: rooms use them as hash tags");
        }
        this.prefix = prefix;
    }

    String roomChannel(RoomName room) {
        return prefix + ROOM + room.value() + "}";
    }

    String roomStream(RoomName room) {
        return roomChannel(room) + ":stream";
    }

    String roomHistory(RoomName room) {
        return roomChannel(room) + ":history";
    }

    /** A short-lived key that a failing node writes to learn whether Redis accepts writes again. */
    String probe() {
        return prefix + "probe";
    }

    String nodeChannel(String nodeId) {
        return prefix + NODE + nodeId;
    }

    /** The room whose channel this is, or empty for any other channel. */
    Optional<RoomName> roomOf(String channel) {
        String start = prefix + ROOM;
        if (!channel.startsWith(start) || !channel.endsWith("}")) {
            return Optional.empty();
        }
        return RoomName.parse(channel.substring(start.length(), channel.length() - 1));
    }
}
