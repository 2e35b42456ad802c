package org.chatrooms.presence;

import java.io.StringReader;
import java.io.StringWriter;
import java.util.Map;

import jakarta.json.JsonException;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonGeneratorFactory;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;

/**
 * A name's first connection arrived in a room ({@code join}) or its last one left ({@code leave}), on any node:
 * the room event the presence seam hands to the relay ({@link org.chatrooms.relay.RoomEvents}), between servers
 * only. Its text is {@code {"t":"join","u":"bob","v":false}}; the Redis scripts write the same JSON, so every
 * node reads events the same way. Stateless.
 */
public record PresenceEvent(Kind kind, Member member) {

    public enum Kind { JOIN, LEAVE }

    private static final JsonProvider JSON = JsonProvider.provider();
    private static final JsonParserFactory PARSERS = JSON.createParserFactory(Map.of());
    private static final JsonGeneratorFactory GENERATORS = JSON.createGeneratorFactory(Map.of());

    public static PresenceEvent join(Member member) {
        return new PresenceEvent(Kind.JOIN, member);
    }

    public static PresenceEvent leave(Member member) {
        return new PresenceEvent(Kind.LEAVE, member);
    }

    public String encode() {
        StringWriter out = new StringWriter(48);
        try (JsonGenerator json = GENERATORS.createGenerator(out)) {
            json.writeStartObject()
                    .write("t", kind == Kind.JOIN ? "join" : "leave")
                    .write("u", member.user())
                    .write("v", member.verified())
                    .writeEnd();
        }
        return out.toString();
    }

    /** @throws IllegalArgumentException when {@code text} is not a presence event (e.g. of a later version) */
    public static PresenceEvent decode(String text) {
        String kind = null;
        String user = null;
        boolean verified = false;
        try (JsonParser parser = PARSERS.createParser(new StringReader(text))) {
            if (parser.next() != JsonParser.Event.START_OBJECT) {
                throw new IllegalArgumentException("not a JSON object");
            }
            while (parser.next() == JsonParser.Event.KEY_NAME) {
                String key = parser.getString();
                JsonParser.Event value = parser.next();
                switch (value) {
                    case START_OBJECT -> parser.skipObject();
                    case START_ARRAY -> parser.skipArray();
                    case VALUE_STRING -> {
                        if (key.equals("t")) {
                            kind = parser.getString();
                        } else if (key.equals("u")) {
                            user = parser.getString();
                        }
                    }
                    case VALUE_TRUE -> verified = verified || key.equals("v");
                    default -> { }
                }
            }
        } catch (JsonException | java.util.NoSuchElementException e) {
            throw new IllegalArgumentException("unreadable room event", e);
        }
        if (user == null || !("join".equals(kind) || "leave".equals(kind))) {
            throw new IllegalArgumentException("not a presence event: " + text);
        }
        return new PresenceEvent("join".equals(kind) ? Kind.JOIN : Kind.LEAVE, new Member(user, verified));
    }
}
