package org.chatrooms.relay.redis;

import org.chatrooms.testing.RedisMode;

/**
 * {@link CrossNodeChatIT}'s tests with the nodes in Cluster mode (three primaries, three replicas, sharded pub/sub):
 * subscriber counts are PUBSUB SHARDNUMSUB summed over the primaries, channels PUBSUB SHARDCHANNELS.
 */
class ClusterCrossNodeChatHA extends CrossNodeChatIT {

    @Override
    protected RedisMode mode() {
        return RedisMode.CLUSTER;
    }
}
