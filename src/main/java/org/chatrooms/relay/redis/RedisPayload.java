package org.chatrooms.relay.redis;

import java.time.Instant;

import org.chatrooms.protocol.ChatCodec;
import org.chatrooms.protocol.ChatMessage;
import org.chatrooms.protocol.ChatPost;

/**
 * The text of one message on a room's Redis channel:
 * <pre>&lt;id&gt; &lt;epoch millis&gt; &lt;the message as the client frame, with id 0 and time 1970-01-01&gt;</pre>
 * e.g. {@code 17 1795636963074 {"type":"chat.message","room":"2330","id":0,"ts":"1970-01-01T00:00:00Z",...}}.
 * The publishing node writes the JSON with {@link ChatCodec}; the Lua {@link PublishScript} puts the id and Redis's
 * clock in front, because only Redis can number a room's messages for every node. Stateless and thread-safe.
 */
final class RedisPayload {

    private final ChatCodec codec;

    RedisPayload(ChatCodec codec) {
        this.codec = codec;
    }

    /** The JSON part, written by the publishing node before Redis numbers it. */
    String unnumbered(ChatPost post) {
        return codec.encode(ChatMessage.of(post, 0, Instant.EPOCH));
    }

    /**
     * Reads a payload from a room's channel.
     *
     * @throws IllegalArgumentException when it is not in this format (a foreign publisher on our channel)
     */
    ChatMessage decode(String payload) {
        int first = payload.indexOf(' ');
        int second = first < 0 ? -1 : payload.indexOf(' ', first + 1);
        if (second < 0) {
            throw new IllegalArgumentException("no '<id> <millis> ' header");
        }
        try {
            long id = Long.parseLong(payload, 0, first, 10);
            long millis = Long.parseLong(payload, first + 1, second, 10);
            ChatMessage body = codec.decode(payload.substring(second + 1));
            return new ChatMessage(body.room(), id, Instant.ofEpochMilli(millis), body.user(), body.text());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("unreadable chat message: " + e.getMessage(), e);
        }
    }
}
