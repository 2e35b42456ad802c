package org.chatrooms.relay.redis;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.chatrooms.room.RoomName;
import org.chatrooms.testing.Eventually;
import org.chatrooms.testing.RedisSentinelSetup;
import org.chatrooms.testing.RedisServer;
import org.chatrooms.testing.RelayThreadCheck;
import org.chatrooms.testing.Stages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Sentinel failover under chat: two nodes (relays with production clocks) chat in one room through a primary that
 * three sentinels watch; the primary is killed with SIGKILL; chat must resume on the promoted replica within
 * Sentinel's down-after time plus a few seconds, with every refused post told to its sender, nothing delivered twice
 * and no position naming two messages. Prints the pause.
 */
@Timeout(120)
class RedisSentinelFailoverIT {

    /** Sentinel's down-after (1 s here) + election and promotion + the relay's reconnect: the bound. */
    private static final Duration RESUME_WITHIN = Duration.ofMillis(RedisSentinelSetup.DOWN_AFTER_MILLIS)
            .plusSeconds(6);

    private RedisSentinelSetup sentinel;
    private FailoverChat chat;

    @AfterEach
    void stop() {
        if (chat != null) {
            chat.close();
        }
        if (sentinel != null) {
            sentinel.close();
        }
        RelayThreadCheck.assertNoneAlive();
    }

    @Test
    void chatResumesOnThePromotedReplicaAndNothingIsLostSilently() {
        sentinel = RedisSentinelSetup.start();
        String prefix = "it-" + UUID.randomUUID() + ":";
        Map<String, String> settings = Map.of("CHAT_REDIS_SENTINELS", sentinel.sentinelList(),
                "CHAT_REDIS_MASTER", RedisSentinelSetup.MASTER, "CHAT_REDIS_PREFIX", prefix);
        RedisRelayConfig config = RedisRelayConfig.fromSettings(name -> Optional.ofNullable(settings.get(name)))
                .orElseThrow();
        FailoverChat.Node a = new FailoverChat.Node("a", config);
        FailoverChat.Node b = new FailoverChat.Node("b", config);
        RoomName room = new RoomName("failover" + UUID.randomUUID().toString().replace("-", "").substring(0, 8));
        chat = new FailoverChat(List.of(a, b), List.of(room));
        Stages.await(a.relay.join(room));
        Stages.await(b.relay.join(room));
        chat.start();
        long started = System.nanoTime();
        chat.awaitAcknowledged(room, started, 50, Duration.ofSeconds(10));

        RedisServer primary = sentinel.primary();
        int oldPort = primary.port();
        long killed = System.nanoTime();
        primary.kill();
        RedisServer promoted = sentinel.awaitFailover(oldPort, Duration.ofSeconds(30));
        long promotedAt = System.nanoTime();
        assertNotEquals(oldPort, promoted.port());
        chat.awaitAcknowledged(room, promotedAt, 50, RESUME_WITHIN.plusSeconds(10));
        long resumed = chat.firstAcknowledgedAfter(room, killed);
        Eventually.until("both nodes ready again", Duration.ofSeconds(10),
                () -> a.relay.isReady() && b.relay.isReady());
        FailoverChat.Summary summary = chat.stopAndCheck(Duration.ofSeconds(20));
        Duration pause = chat.longestPause(room, started);
        FailoverChat.log(String.format("Sentinel: primary killed; sentinels promoted the replica after %d ms; first "
                        + "acknowledged post sent %d ms after the kill; longest pause between acknowledged posts %d ms; %s",
                (promotedAt - killed) / 1_000_000, (resumed - killed) / 1_000_000, pause.toMillis(), summary));
        assertTrue(pause.compareTo(RESUME_WITHIN) <= 0, "chat paused " + pause.toMillis() + " ms");
        assertTrue(summary.refused() > 0, "posts during the switch are refused, not silently dropped");
    }
}
