package org.chatrooms.presence;

import org.chatrooms.testing.RedisDeployment;
import org.chatrooms.testing.RedisSentinelSetup;

/** {@link PresenceAcrossNodesIT}'s tests with the nodes in Sentinel mode (a primary, a replica, three sentinels). */
class SentinelPresenceAcrossNodesHA extends PresenceAcrossNodesIT {

    @Override
    protected boolean sharesRedis() {
        return true;
    }

    @Override
    protected RedisDeployment startRedis() {
        return RedisDeployment.sentinel(RedisSentinelSetup.start());
    }
}
