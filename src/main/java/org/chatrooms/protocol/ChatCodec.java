package org.chatrooms.protocol;

import java.io.StringReader;
import java.io.StringWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonGeneratorFactory;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParser.Event;
import jakarta.json.stream.JsonParserFactory;

import org.chatrooms.room.RoomName;

/**
 * The wire format, compatible with clients written for the Django Channels tutorial. Stateless and thread-safe.
 *
 * <p>Client to server, one JSON object per text frame. {@code message} is required; {@code user}, the display
 * name the sender asks for, is optional (absent, {@code null} or empty means {@code anonymous}, so clients
 * written for the original tutorial keep working); other members are ignored:
 * <pre>{"message": "hello"}
 * {"message": "hello", "user": "Alice"}</pre>
 *
 * <p>Server to client; every frame carries a human-readable {@code message}, so an old client that prints
 * {@code data.message} shows something sensible for errors too:
 * <pre>
 * {"type":"chat.message","room":"2330","id":17,"ts":"2026-11-25T19:50:37.123Z","user":"anonymous","message":"hello"}
 * {"type":"error","code":"invalid_json","message":"Frame is not valid JSON: ..."}
 * </pre>
 */
public final class ChatCodec {

    /** Nesting allowed inside the frame's object; deeper structures are refused without being built. */
    static final int MAX_DEPTH = 8;

    private static final JsonProvider JSON = JsonProvider.provider();
    private static final JsonParserFactory PARSERS = JSON.createParserFactory(Map.of());
    private static final JsonGeneratorFactory GENERATORS = JSON.createGeneratorFactory(Map.of());

    private final int maxMessageChars;

    public ChatCodec(int maxMessageChars) {
        this.maxMessageChars = maxMessageChars;
    }

    /**
     * Reads one client frame and returns the validated message text.
     *
     * @throws ProtocolException with the reason to report to the sender
     */
    public String parseMessageText(String frame) throws ProtocolException {
        return parseClientMessage(frame).text();
    }

    /**
     * Reads one client frame: the validated message text and the requested display name, unchecked (see
     * {@link DisplayName#forSender}).
     *
     * @throws ProtocolException with the reason to report to the sender
     */
    public ClientMessage parseClientMessage(String frame) throws ProtocolException {
        String text = null;
        String user = null;
        try (JsonParser parser = PARSERS.createParser(new StringReader(frame))) {
            if (!parser.hasNext() || parser.next() != Event.START_OBJECT) {
                throw new ProtocolException("not_an_object", "Expected a JSON object like {\"message\": \"hello\"}.");
            }
            Event event;
            while ((event = parser.next()) == Event.KEY_NAME) {
                String key = parser.getString();
                Event value = parser.next();
                if (key.equals("message")) {
                    if (value != Event.VALUE_STRING) {
                        throw new ProtocolException("message_not_string", "\"message\" must be a string.");
                    }
                    text = parser.getString();
                } else if (key.equals("user")) {
                    if (value != Event.VALUE_STRING && value != Event.VALUE_NULL) {
                        throw new ProtocolException("invalid_name", "\"user\" (your display name) must be a string.");
                    }
                    user = value == Event.VALUE_STRING ? parser.getString() : null;
                } else {
                    skipValue(parser, value);
                }
            }
            if (event != Event.END_OBJECT || parser.hasNext()) {
                throw new ProtocolException("invalid_json", "Expected exactly one JSON object per frame.");
            }
        } catch (JsonException | java.util.NoSuchElementException e) {
            // JsonParsingException (malformed) is a JsonException; NoSuchElementException means truncated input.
            throw new ProtocolException("invalid_json", "Frame is not valid JSON.");
        }
        if (text == null) {
            throw new ProtocolException("missing_message", "Missing \"message\": send {\"message\": \"hello\"}.");
        }
        return new ClientMessage(MessageText.validate(text, maxMessageChars), user);
    }

    /** Skips a member's value, refusing nesting deeper than {@link #MAX_DEPTH} without materialising it. */
    private static void skipValue(JsonParser parser, Event first) throws ProtocolException {
        if (first != Event.START_OBJECT && first != Event.START_ARRAY) {
            return;
        }
        int depth = 1;
        while (depth > 0) {
            Event event = parser.next();
            if (event == Event.START_OBJECT || event == Event.START_ARRAY) {
                if (++depth > MAX_DEPTH) {
                    throw new ProtocolException("too_deep", "JSON nested deeper than " + MAX_DEPTH + " levels.");
                }
            } else if (event == Event.END_OBJECT || event == Event.END_ARRAY) {
                depth--;
            }
        }
    }

    /** The frame every socket of the room receives for one message; built once per message, not per socket. */
    public String encode(ChatMessage message) {
        StringWriter out = new StringWriter(96 + message.text().length());
        try (JsonGenerator json = GENERATORS.createGenerator(out)) {
            json.writeStartObject()
                    .write("type", "chat.message")
                    .write("room", message.room().value())
                    .write("id", message.id())
                    .write("ts", isoMillis(message.timestamp()))
                    .write("user", message.user())
                    .write("message", message.text())
                    .writeEnd();
        }
        return out.toString();
    }

    public String encodeError(String code, String humanMessage) {
        StringWriter out = new StringWriter(64 + humanMessage.length());
        try (JsonGenerator json = GENERATORS.createGenerator(out)) {
            json.writeStartObject()
                    .write("type", "error")
                    .write("code", code)
                    .write("message", humanMessage)
                    .writeEnd();
        }
        return out.toString();
    }

    public String encodeError(ProtocolException e) {
        return encodeError(e.code(), e.getMessage());
    }

    /** The inverse of {@link #encode}, used by the Redis relay and by tests. */
    public ChatMessage decode(String frame) {
        JsonObject json;
        try (var reader = JSON.createReader(new StringReader(frame))) {
            json = reader.readObject();
        }
        return new ChatMessage(
                new RoomName(json.getString("room")),
                json.getJsonNumber("id").longValueExact(),
                Instant.parse(json.getString("ts")),
                json.getString("user"),
                json.getString("message"));
    }

    static String isoMillis(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MILLIS).toString();
    }
}
