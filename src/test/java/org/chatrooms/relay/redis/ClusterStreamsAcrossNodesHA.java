package org.chatrooms.relay.redis;

import org.chatrooms.testing.RedisMode;

/** {@link StreamsAcrossNodesIT}'s tests with the nodes in Cluster mode. */
class ClusterStreamsAcrossNodesHA extends StreamsAcrossNodesIT {

    @Override
    protected RedisMode mode() {
        return RedisMode.CLUSTER;
    }
}
