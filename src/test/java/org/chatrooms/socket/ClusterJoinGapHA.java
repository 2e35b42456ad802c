package org.chatrooms.socket;

import org.chatrooms.testing.RedisMode;

/** {@link JoinGapIT}'s two-node check with the nodes in Cluster mode. */
class ClusterJoinGapHA extends JoinGapIT {

    @Override
    protected RedisMode mode() {
        return RedisMode.CLUSTER;
    }
}
