package org.chatrooms.testing;

import java.util.List;

/**
 * The relay's three Redis modes, as a suite that runs in all of them picks one: its tests start their Redis through
 * {@link #start}, and its {@code *HA} subclasses (run by {@code .ci/run} apart from the default suite) name Sentinel
 * or Cluster instead of one server. Options go to every data node (primary, replicas, shards), e.g.
 * {@code --requirepass} or {@code --user}; the setups add what replication then needs ({@code masterauth},
 * {@code sentinel auth-pass}).
 */
public enum RedisMode {

    /** One {@code redis-server} ({@code CHAT_REDIS_URL}). */
    STANDALONE {
        @Override
        public RedisDeployment start(List<String> dataNodeOptions) {
            return RedisDeployment.standalone(RedisServer.start(dataNodeOptions));
        }
    },
    /** A primary, a replica and three sentinels ({@code CHAT_REDIS_SENTINELS}, {@code CHAT_REDIS_MASTER}). */
    SENTINEL {
        @Override
        public RedisDeployment start(List<String> dataNodeOptions) {
            return RedisDeployment.sentinel(RedisSentinelSetup.start(dataNodeOptions));
        }
    },
    /** Three primaries and three replicas, sharded pub/sub ({@code CHAT_REDIS_CLUSTER}). */
    CLUSTER {
        @Override
        public RedisDeployment start(List<String> dataNodeOptions) {
            return RedisDeployment.cluster(RedisClusterSetup.start(dataNodeOptions));
        }
    };

    public abstract RedisDeployment start(List<String> dataNodeOptions);

    public RedisDeployment start() {
        return start(List.of());
    }
}
