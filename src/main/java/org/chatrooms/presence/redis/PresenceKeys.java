package org.chatrooms.presence.redis;

import org.chatrooms.room.RoomName;

/**
 * The Redis names of presence, under the deployment's prefix. A room's keys carry the room's hash tag, as the
 * relay's do ({@code org.chatrooms.relay.redis.RedisKeys}), and the channel is the relay's room channel, which
 * carries presence announcements as room events:
 * <ul>
 *   <li>{@code <prefix>room:{<room>}:presence}: hash {@code <node>|<0/1 verified>|<user>} to that node's
 *       connections of the member;</li>
 *   <li>{@code <prefix>room:{<room>}:names}: hash {@code <0/1>|<user>} to the member's connections over every
 *       node (what makes join and leave O(1));</li>
 *   <li>{@code <prefix>nodes}: sorted set of node ids by deadline (Redis clock, ms), the one global key.</li>
 * </ul>
 * Immutable.
 */
final class PresenceKeys {

    private final String prefix;

    PresenceKeys(String prefix) {
        this.prefix = prefix;
    }

    String channel(RoomName room) {
        return prefix + "room:{" + room.value() + "}";
    }

    String members(RoomName room) {
        return channel(room) + ":presence";
    }

    String names(RoomName room) {
        return channel(room) + ":names";
    }

    String nodes() {
        return prefix + "nodes";
    }
}
