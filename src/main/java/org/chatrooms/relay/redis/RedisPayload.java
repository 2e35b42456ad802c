package org.chatrooms.relay.redis;

import java.io.StringReader;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Map;

import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonGeneratorFactory;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;

import org.chatrooms.protocol.ChatMessage;
import org.chatrooms.protocol.ChatPost;
import org.chatrooms.room.RoomName;
import org.chatrooms.room.StreamPosition;

/**
 * The text of one message on a room's Redis channel and in its history, the format between chat servers (not the
 * browsers' frame, so a new client field never changes it, and servers of two versions can share a Redis during a
 * rolling upgrade):
 * <pre>&lt;epoch&gt; &lt;id&gt; &lt;epoch millis&gt; {"u":"&lt;user&gt;","m":"&lt;text&gt;","c":"&lt;client id&gt;","v":true}</pre>
 * e.g. {@code 3f9a0c2b71de 17 1795636963074 {"u":"anonymous","m":"hello"}}. The publishing server writes the JSON
 * ({@code "c"} only when the sender gave a client id, {@code "v"} only for a sender the container authenticated; unknown members are ignored when reading, so later versions
 * may add some); the publish script puts the epoch, the id and Redis's clock in front, because only Redis can
 * number a room's messages for every server. The room is the channel's or history key's. Stateless and
 * thread-safe.
 */
final class RedisPayload {

    private static final JsonProvider JSON = JsonProvider.provider();
    private static final JsonParserFactory PARSERS = JSON.createParserFactory(Map.of());
    private static final JsonGeneratorFactory GENERATORS = JSON.createGeneratorFactory(Map.of());

    private RedisPayload() {
    }

    /** The JSON part, written by the publishing server before Redis numbers it. */
    static String unnumbered(ChatPost post) {
        StringWriter out = new StringWriter(32 + post.text().length());
        try (JsonGenerator json = GENERATORS.createGenerator(out)) {
            json.writeStartObject().write("u", post.user()).write("m", post.text());
            if (post.clientId() != null) {
                json.write("c", post.clientId());
            }
            if (post.verified()) {
                json.write("v", true);
            }
            json.writeEnd();
        }
        return out.toString();
    }

    /**
     * {@code "c":"<clientId>"} exactly as {@link #unnumbered} writes it (the same generator, the same escapes), for
     * {@code publish.lua} to find a resend's original by plain substring before it decodes any entry.
     */
    static String clientIdMember(String clientId) {
        StringWriter out = new StringWriter(8 + clientId.length());
        try (JsonGenerator json = GENERATORS.createGenerator(out)) {
            json.writeStartObject().write("c", clientId).writeEnd();
        }
        String object = out.toString();
        return object.substring(1, object.length() - 1);
    }

    /**
     * Reads a payload of {@code room}'s channel or history.
     *
     * @throws IllegalArgumentException when it is not in this format (a foreign publisher on our channel)
     */
    static ChatMessage decode(RoomName room, String payload) {
        int first = payload.indexOf(' ');
        int second = first < 0 ? -1 : payload.indexOf(' ', first + 1);
        int third = second < 0 ? -1 : payload.indexOf(' ', second + 1);
        if (first <= 0 || third < 0) {
            throw new IllegalArgumentException("no '<epoch> <id> <millis> ' header");
        }
        try {
            long id = Long.parseLong(payload, first + 1, second, 10);
            long millis = Long.parseLong(payload, second + 1, third, 10);
            String user = null;
            String text = null;
            String clientId = null;
            boolean verified = false;
            try (JsonParser parser = PARSERS.createParser(new StringReader(payload.substring(third + 1)))) {
                if (parser.next() != JsonParser.Event.START_OBJECT) {
                    throw new IllegalArgumentException("not a JSON object");
                }
                while (parser.next() == JsonParser.Event.KEY_NAME) {
                    String key = parser.getString();
                    JsonParser.Event value = parser.next();
                    if (value == JsonParser.Event.START_OBJECT) {
                        parser.skipObject();
                    } else if (value == JsonParser.Event.START_ARRAY) {
                        parser.skipArray();
                    } else if (value == JsonParser.Event.VALUE_TRUE && key.equals("v")) {
                        verified = true;
                    } else if (value == JsonParser.Event.VALUE_STRING) {
                        switch (key) {
                            case "u" -> user = parser.getString();
                            case "m" -> text = parser.getString();
                            case "c" -> clientId = parser.getString();
                            default -> { } // a member of a later version
                        }
                    }
                }
            }
            if (user == null || text == null) {
                throw new IllegalArgumentException("no user or text");
            }
            return new ChatMessage(room, new StreamPosition(payload.substring(0, first), id),
                    Instant.ofEpochMilli(millis), user, text, clientId, verified);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("unreadable chat message: " + e.getMessage(), e);
        }
    }
}
