package org.chatrooms.relay.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import org.chatrooms.protocol.ChatMessage;
import org.chatrooms.protocol.ChatPost;
import org.chatrooms.relay.RelayUnavailableException;

import redis.clients.jedis.Pipeline;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.Response;

/**
 * The Lua script that numbers and publishes a message in one atomic step, so every node sees a room's messages in
 * id order: Redis runs scripts one at a time, and a channel delivers in publish order. In the same step it appends
 * the message to the room's short {@link RoomHistory}, from which a node that was briefly disconnected catches up.
 *
 * <p>It refuses (returns 0, consuming no id) when no node subscribes to the room: the sender's own node always
 * does when it may publish, so nobody listening means the message would reach no one, not even its sender's echo.
 *
 * <p>Every message carries the deployment's epoch, a token created when the script finds none. Redis loses it only
 * together with the counters (a restart without persistence, a flush), so a new epoch tells the nodes that ids
 * started over and that an id they have seen before is not a repeat. {@code floor}, the highest id the publishing
 * node has delivered in the room, keeps new ids above it in that case, so the ids users see keep increasing.
 * Stateless and thread-safe.
 */
final class PublishScript {

    static final String LUA = """
            -- KEYS: room counter, room history, epoch
            -- ARGV: room channel, floor, message JSON, history length, history time to live (ms)
            if redis.call('PUBSUB', 'NUMSUB', ARGV[1])[2] == 0 then
              return 0
            end
            local epoch = redis.call('GET', KEYS[3])
            if not epoch then
              local now = redis.call('TIME')
              epoch = now[1] .. now[2]
              redis.call('SET', KEYS[3], epoch)
            end
            local id = redis.call('INCR', KEYS[1])
            local floor = tonumber(ARGV[2])
            if id <= floor then
              id = floor + 1
              redis.call('SET', KEYS[1], id)
            end
            local now = redis.call('TIME')
            local millis = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
            local payload = epoch .. string.format(' %d %d ', id, millis) .. ARGV[3]
            redis.call('PUBLISH', ARGV[1], payload)
            redis.call('RPUSH', KEYS[2], payload)
            redis.call('LTRIM', KEYS[2], -tonumber(ARGV[4]), -1)
            redis.call('PEXPIRE', KEYS[2], ARGV[5])
            return {id, millis}
            """;

    /** Computed here, so a node can start while Redis is unreachable; Redis computes the same from the text. */
    static final String SHA = sha1(LUA);

    private PublishScript() {
    }

    /** Loads the script into Redis's script cache, which starts empty after every Redis restart. */
    static void load(RedisClient client) {
        client.scriptLoad(LUA);
    }

    static Response<Object> append(Pipeline pipeline, RedisKeys keys, RedisPayload payload, ChatPost post,
                                   long floor) {
        return pipeline.evalsha(SHA,
                List.of(keys.roomCounter(post.room()), keys.roomHistory(post.room()), keys.epoch()),
                List.of(keys.roomChannel(post.room()), Long.toString(floor), payload.unnumbered(post),
                        Integer.toString(RoomHistory.LENGTH), Long.toString(RoomHistory.KEEP.toMillis())));
    }

    /** The message as Redis numbered it, from the script's reply. */
    static ChatMessage numbered(ChatPost post, Object reply) {
        if (reply instanceof List<?> idAndTime && idAndTime.size() == 2) {
            return ChatMessage.of(post, (Long) idAndTime.get(0), Instant.ofEpochMilli((Long) idAndTime.get(1)));
        }
        throw new RelayUnavailableException("no server is connected to room " + post.room());
    }

    private static String sha1(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-1", e);
        }
    }
}
