package org.chatrooms.socket;

import org.chatrooms.testing.RedisMode;

/** {@link JoinGapIT}'s two-node check with the nodes in Sentinel mode. */
class SentinelJoinGapHA extends JoinGapIT {

    @Override
    protected RedisMode mode() {
        return RedisMode.SENTINEL;
    }
}
