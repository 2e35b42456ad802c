package org.chatrooms.relay.redis;

import org.chatrooms.testing.RedisMode;

/** {@link CrossNodeChatIT}'s tests with the nodes in Sentinel mode (a primary, a replica, three sentinels). */
class SentinelCrossNodeChatHA extends CrossNodeChatIT {

    @Override
    protected RedisMode mode() {
        return RedisMode.SENTINEL;
    }
}
