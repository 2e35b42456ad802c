package org.chatrooms.lb;

import org.chatrooms.testing.RedisMode;

/** {@link LoadBalancerIT}'s tests with the nodes behind nginx in Cluster mode. */
class ClusterLoadBalancerHA extends LoadBalancerIT {

    @Override
    protected RedisMode mode() {
        return RedisMode.CLUSTER;
    }
}
