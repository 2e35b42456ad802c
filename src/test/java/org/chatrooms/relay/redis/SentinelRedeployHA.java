package org.chatrooms.relay.redis;

import org.chatrooms.testing.RedisMode;

/** {@link RedeployIT}'s tests with the node in Sentinel mode. */
class SentinelRedeployHA extends RedeployIT {

    @Override
    protected RedisMode mode() {
        return RedisMode.SENTINEL;
    }
}
