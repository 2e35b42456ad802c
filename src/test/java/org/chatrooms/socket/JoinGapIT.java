package org.chatrooms.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;
import java.util.logging.Logger;

import org.chatrooms.dev.ChatServer;
import org.chatrooms.testing.ChatCluster;
import org.chatrooms.testing.JoinGap;
import org.chatrooms.testing.RedisDeployment;
import org.chatrooms.testing.RedisMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A message published after a client received its 101 reaches that client, always: 300 rounds of the join-gap
 * check ({@link JoinGap}) on one node and across two nodes with Redis. The socket joins its room, subscribed and
 * caught up, in the handshake, before the container writes the 101. One redis-server here;
 * {@link SentinelJoinGapHA} and {@link ClusterJoinGapHA} run the two-node check in the other two modes.
 */
@Timeout(600)
class JoinGapIT {

    private static final Logger LOG = Logger.getLogger(JoinGapIT.class.getName());
    private static final int ROUNDS = 300;

    /** The Redis mode of the two-node check; the {@code *HA} subclasses name the other two. */
    protected RedisMode mode() {
        return RedisMode.STANDALONE;
    }

    @Test
    void noMissOnOneNode() throws Exception {
        assumeTrue(mode() == RedisMode.STANDALONE, "one node uses no Redis: the default suite runs it once");
        try (ChatServer node = ChatServer.start(Map.of())) {
            int missed = JoinGap.misses(node.wsBase(), node.wsBase(), "join_gap", ROUNDS);
            LOG.info(() -> "Join gap, one node: " + missed + " of " + ROUNDS + " rounds missed");
            assertEquals(0, missed, "rounds in which P2 missed the message sent after its 101");
        }
    }

    /**
     * P2's node has no other socket in the room, so every round it subscribes the room afresh (and unsubscribes
     * when P2 leaves): the hand-over from Redis's SUBSCRIBE (Cluster: SSUBSCRIBE on the room's shard) to the 101 is
     * part of every round.
     */
    @Test
    void noMissAcrossTwoNodesWithRedis() throws Exception {
        try (RedisDeployment redis = mode().start();
             ChatCluster cluster = new ChatCluster(redis)) {
            ChatServer sender = cluster.startNode();
            ChatServer listener = cluster.startNode();
            int missed = JoinGap.misses(sender.wsBase(), listener.wsBase(), "join_gap", ROUNDS);
            LOG.info(() -> "Join gap, two nodes, " + mode() + ": " + missed + " of " + ROUNDS + " rounds missed");
            assertEquals(0, missed, "rounds in which P2 missed the message sent after its 101");
        }
    }
}
