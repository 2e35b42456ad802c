package org.chatrooms.presence;

import org.chatrooms.testing.RedisClusterSetup;
import org.chatrooms.testing.RedisDeployment;

/**
 * {@link PresenceAcrossNodesIT}'s tests with the nodes in Cluster mode (three primaries, three replicas): the
 * presence scripts announce with SPUBLISH on the room's sharded channel, which the nodes hear on the room's shard.
 */
class ClusterPresenceAcrossNodesHA extends PresenceAcrossNodesIT {

    @Override
    protected boolean sharesRedis() {
        return true;
    }

    @Override
    protected RedisDeployment startRedis() {
        return RedisDeployment.cluster(RedisClusterSetup.start());
    }
}
