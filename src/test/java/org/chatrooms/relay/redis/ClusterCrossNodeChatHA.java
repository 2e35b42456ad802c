package org.chatrooms.relay.redis;

import org.chatrooms.testing.RedisClusterSetup;
import org.chatrooms.testing.RedisDeployment;

/**
 * {@link CrossNodeChatIT}'s tests with the nodes in Cluster mode (three primaries, three replicas, sharded pub/sub):
 * subscriber counts are PUBSUB SHARDNUMSUB summed over the primaries, channels PUBSUB SHARDCHANNELS.
 */
class ClusterCrossNodeChatHA extends CrossNodeChatIT {

    @Override
    protected RedisDeployment startRedis() {
        return RedisDeployment.cluster(RedisClusterSetup.start());
    }
}
