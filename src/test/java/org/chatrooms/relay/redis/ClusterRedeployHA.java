package org.chatrooms.relay.redis;

import org.chatrooms.testing.RedisMode;

/** {@link RedeployIT}'s tests with the node in Cluster mode. */
class ClusterRedeployHA extends RedeployIT {

    @Override
    protected RedisMode mode() {
        return RedisMode.CLUSTER;
    }
}
