package org.chatrooms.relay.redis;

import java.time.Instant;

import org.chatrooms.protocol.ChatCodec;
import org.chatrooms.protocol.ChatMessage;
import org.chatrooms.protocol.ChatPost;

/**
 * The text of one message on a room's Redis channel and in its history:
 * <pre>&lt;epoch&gt; &lt;id&gt; &lt;epoch millis&gt; &lt;the client frame, with id 0 and time 1970-01-01&gt;</pre>
 * e.g. {@code 1795636963074960 17 1795636963074 {"type":"chat.message","room":"2330","id":0,...}}.
 * The publishing node writes the JSON with {@link ChatCodec}; the Lua {@link PublishScript} puts the epoch, the id
 * and Redis's clock in front, because only Redis can number a room's messages for every node. Stateless and
 * thread-safe.
 */
final class RedisPayload {

    /** A message as Redis numbered it, with the epoch of its numbering. */
    record Numbered(String epoch, ChatMessage message) {
    }

    private final ChatCodec codec;

    RedisPayload(ChatCodec codec) {
        this.codec = codec;
    }

    /** The JSON part, written by the publishing node before Redis numbers it. */
    String unnumbered(ChatPost post) {
        return codec.encode(ChatMessage.of(post, 0, Instant.EPOCH));
    }

    /**
     * Reads a payload from a room's channel or history.
     *
     * @throws IllegalArgumentException when it is not in this format (a foreign publisher on our channel)
     */
    Numbered decode(String payload) {
        int first = payload.indexOf(' ');
        int second = first < 0 ? -1 : payload.indexOf(' ', first + 1);
        int third = second < 0 ? -1 : payload.indexOf(' ', second + 1);
        if (third < 0) {
            throw new IllegalArgumentException("no '<epoch> <id> <millis> ' header");
        }
        try {
            long id = Long.parseLong(payload, first + 1, second, 10);
            long millis = Long.parseLong(payload, second + 1, third, 10);
            ChatMessage body = codec.decode(payload.substring(third + 1));
            return new Numbered(payload.substring(0, first),
                    new ChatMessage(body.room(), id, Instant.ofEpochMilli(millis), body.user(), body.text()));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("unreadable chat message: " + e.getMessage(), e);
        }
    }
}
