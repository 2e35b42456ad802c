package org.chatrooms.lb;

import org.chatrooms.testing.RedisMode;

/** {@link LoadBalancerIT}'s tests with the nodes behind nginx in Sentinel mode. */
class SentinelLoadBalancerHA extends LoadBalancerIT {

    @Override
    protected RedisMode mode() {
        return RedisMode.SENTINEL;
    }
}
