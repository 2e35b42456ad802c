package org.chatrooms.relay.redis;

import org.chatrooms.testing.RedisDeployment;
import org.chatrooms.testing.RedisSentinelSetup;

/** {@link CrossNodeChatIT}'s tests with the nodes in Sentinel mode (a primary, a replica, three sentinels). */
class SentinelCrossNodeChatHA extends CrossNodeChatIT {

    @Override
    protected RedisDeployment startRedis() {
        return RedisDeployment.sentinel(RedisSentinelSetup.start());
    }
}
