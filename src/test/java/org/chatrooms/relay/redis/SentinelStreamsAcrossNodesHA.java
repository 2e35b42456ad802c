package org.chatrooms.relay.redis;

import org.chatrooms.testing.RedisMode;

/** {@link StreamsAcrossNodesIT}'s tests with the nodes in Sentinel mode. */
class SentinelStreamsAcrossNodesHA extends StreamsAcrossNodesIT {

    @Override
    protected RedisMode mode() {
        return RedisMode.SENTINEL;
    }
}
