package org.chatrooms.relay.redis;

import org.chatrooms.testing.RedisMode;

/** {@link RedisFaultIT}'s tests with the nodes in Cluster mode; the one-server faults are skipped, saying why. */
class ClusterRedisFaultHA extends RedisFaultIT {

    @Override
    protected RedisMode mode() {
        return RedisMode.CLUSTER;
    }
}
