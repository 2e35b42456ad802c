package org.chatrooms.relay.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Logger;

import org.chatrooms.protocol.ChatPost;
import org.chatrooms.relay.HistoryFilter;
import org.chatrooms.relay.StreamRetention;
import org.chatrooms.room.RoomName;
import org.chatrooms.testing.Eventually;
import org.chatrooms.testing.RecordingListener;
import org.chatrooms.testing.RedisServer;
import org.chatrooms.testing.RelayThreadCheck;
import org.chatrooms.testing.Stages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import redis.clients.jedis.Jedis;

/**
 * What a room costs Redis: its two keys (the stream hash and the history list) and nothing else, gone together once
 * the room has been idle for the retention's time, so Redis memory follows the rooms in use rather than every room
 * name anyone ever tried.
 */
@Timeout(60)
class RedisStreamExpiryTest {

    private static final Logger LOG = Logger.getLogger(RedisStreamExpiryTest.class.getName());

    @Test
    void anIdleRoomsKeysExpireTogether() {
        String prefix = "t-" + UUID.randomUUID() + ":";
        RoomName room = new RoomName("idle");
        try (RedisServer redis = RedisServer.start();
             RedisRelay relay = new RedisRelay(RedisRelayConfig.parse(redis.url(), prefix),
                     new StreamRetention(50, Duration.ofSeconds(2)));
             Jedis admin = redis.admin()) {
            RecordingListener received = new RecordingListener();
            relay.start(received);
            Stages.await(relay.join(room));
            Stages.await(relay.publish(new ChatPost(room, "ann", "hello")));
            received.take(1);
            String stream = prefix + "room:{idle}:stream";
            String history = prefix + "room:{idle}:history";
            assertEquals(Set.of(stream, history), admin.keys(prefix + "*"), "a room's keys, and no others");
            assertTrue(admin.pttl(stream) > 0 && admin.pttl(history) > 0, "both expire");
            assertTrue(Math.abs(admin.pttl(stream) - admin.pttl(history)) < 100, "together");
            Eventually.until("the idle room's keys are gone", Duration.ofSeconds(10),
                    () -> admin.keys(prefix + "*").isEmpty());
            assertEquals(0, Stages.await(relay.history(room, HistoryFilter.latest(50))).top().id(),
                    "the room starts a new stream");
        }
        RelayThreadCheck.assertNoneAlive();
    }

    /** Prints what an idle room with a full history holds in Redis (a figure for the docs; asserts only sanity). */
    @Test
    void memoryOfAnIdleRoomWithAFullHistory() {
        String prefix = "m-" + UUID.randomUUID() + ":";
        RoomName room = new RoomName("memory");
        try (RedisServer redis = RedisServer.start();
             RedisRelay relay = new RedisRelay(RedisRelayConfig.parse(redis.url(), prefix), StreamRetention.DEFAULT);
             Jedis admin = redis.admin()) {
            RecordingListener received = new RecordingListener();
            relay.start(received);
            Stages.await(relay.join(room));
            String hundredChars = "x".repeat(100);
            for (int i = 0; i < StreamRetention.DEFAULT_HISTORY_SIZE; i++) {
                Stages.await(relay.publish(new ChatPost(room, "anonymous", hundredChars)));
            }
            received.take(StreamRetention.DEFAULT_HISTORY_SIZE);
            long streamBytes = admin.memoryUsage(prefix + "room:{memory}:stream");
            long historyBytes = admin.memoryUsage(prefix + "room:{memory}:history");
            LOG.info(() -> "Redis memory of an idle room with " + StreamRetention.DEFAULT_HISTORY_SIZE
                    + " messages of 100 characters: stream hash " + streamBytes + " B, history " + historyBytes
                    + " B");
            assertTrue(historyBytes > 50 * 100, "the history holds the messages");
        }
        RelayThreadCheck.assertNoneAlive();
    }
}
