package org.chatrooms.protocol;

import java.io.StringReader;
import java.io.StringWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.json.JsonException;
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
 * written for the original tutorial keep working); {@code cid}, the client's own id for this message (1 to
 * {@value #MAX_CLIENT_ID_CHARS} printable ASCII characters), is optional and comes back in the echo and in any
 * error about the message; {@code "resend": true} (with a cid) says the client sent this message before and never
 * saw it come back, so the room publishes it only if its history does not hold it already (same sender name, same
 * cid, current epoch); other members are ignored:
 * <pre>{"message": "hello"}
 * {"message": "hello", "user": "Alice", "cid": "k2x9-17"}
 * {"message": "hello", "user": "Alice", "cid": "k2x9-17", "resend": true}</pre>
 *
 * <p>Server to client; every frame carries a human-readable {@code message}, so an old client that prints
 * {@code data.message} shows something sensible for every frame:
 * <pre>
 * {"type":"chat.message","room":"2330","id":17,"epoch":"k3j9x2.1","ts":"2026-11-25T19:50:37.123Z","user":"anonymous","message":"hello"}
 * {"type":"chat.message",...,"message":"earlier","history":true}      (from the room's history, on join or resume)
 * {"type":"chat.message",...,"user":"alice","message":"hi","verified":true}   (the container authenticated alice)
 * {"type":"presence","room":"2330","users":[{"user":"alice","connections":2,"verified":true},...],"count":5,"message":"Here: alice and 3 guests"}
 * {"type":"join","room":"2330","user":"bob","verified":false,"message":"bob joined"}     (bob's first connection)
 * {"type":"leave","room":"2330","user":"bob","verified":false,"message":"bob left"}      (bob's last connection)
 * {"type":"gap","room":"2330","code":"too_old","message":"Some messages were missed ..."}
 * {"type":"error","code":"invalid_json","message":"Frame is not valid JSON: ...","cid":"k2x9-17"}
 * </pre>
 */
public final class ChatCodec {

    /** Nesting allowed inside the frame's object; deeper structures are refused without being built. */
    static final int MAX_DEPTH = 8;
    public static final int MAX_CLIENT_ID_CHARS = 64;

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
     * Reads one client frame: the validated message text, the requested display name, unchecked (see
     * {@link DisplayName#forSender}), and the client id. A refusal carries the frame's client id when it could be
     * read, whichever member was wrong.
     *
     * @throws ProtocolException with the reason to report to the sender
     */
    public ClientMessage parseClientMessage(String frame) throws ProtocolException {
        String text = null;
        String user = null;
        String clientId = null;
        boolean resend = false;
        ProtocolException problem = null;
        try (JsonParser parser = PARSERS.createParser(new StringReader(frame))) {
            if (!parser.hasNext() || parser.next() != Event.START_OBJECT) {
                throw new ProtocolException("not_an_object", "Expected a JSON object like {\"message\": \"hello\"}.");
            }
            Event event;
            while ((event = parser.next()) == Event.KEY_NAME) {
                String key = parser.getString();
                Event value = parser.next();
                // A member that breaks a rule is remembered, and the rest still read, so the error can name the cid.
                if (key.equals("message") && value == Event.VALUE_STRING) {
                    text = parser.getString();
                } else if (key.equals("message")) {
                    problem = first(problem, new ProtocolException("message_not_string", "\"message\" must be a string."));
                } else if (key.equals("user") && (value == Event.VALUE_STRING || value == Event.VALUE_NULL)) {
                    user = value == Event.VALUE_STRING ? parser.getString() : null;
                } else if (key.equals("user")) {
                    problem = first(problem, new ProtocolException("invalid_name", "\"user\" (your display name) must be a string."));
                } else if (key.equals("cid") && value == Event.VALUE_STRING && isClientId(parser.getString())) {
                    clientId = parser.getString();
                } else if (key.equals("cid")) {
                    problem = first(problem, new ProtocolException("invalid_cid", "\"cid\" must be 1 to "
                            + MAX_CLIENT_ID_CHARS + " printable ASCII characters."));
                } else if (key.equals("resend") && (value == Event.VALUE_TRUE || value == Event.VALUE_FALSE)) {
                    resend = value == Event.VALUE_TRUE;
                } else if (key.equals("resend")) {
                    problem = first(problem, new ProtocolException("invalid_resend", "\"resend\" must be true or false."));
                }
                skipValue(parser, value);
            }
            if (event != Event.END_OBJECT || parser.hasNext()) {
                throw new ProtocolException("invalid_json", "Expected exactly one JSON object per frame.");
            }
        } catch (JsonException | java.util.NoSuchElementException e) {
            // JsonParsingException (malformed) is a JsonException; NoSuchElementException means truncated input.
            throw new ProtocolException("invalid_json", "Frame is not valid JSON.");
        }
        if (problem != null) {
            throw problem.about(clientId);
        }
        if (text == null) {
            throw new ProtocolException("missing_message", "Missing \"message\": send {\"message\": \"hello\"}.")
                    .about(clientId);
        }
        if (resend && clientId == null) {
            throw new ProtocolException("invalid_resend", "\"resend\" needs the message's \"cid\", by which the "
                    + "room recognises it.");
        }
        try {
            return new ClientMessage(MessageText.validate(text, maxMessageChars), user, clientId, resend);
        } catch (ProtocolException e) {
            throw e.about(clientId);
        }
    }

    private static ProtocolException first(ProtocolException earlier, ProtocolException later) {
        return earlier != null ? earlier : later;
    }

    private static boolean isClientId(String value) {
        if (value.isEmpty() || value.length() > MAX_CLIENT_ID_CHARS) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                return false;
            }
        }
        return true;
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

    /** The live frame every socket of the room receives for one message; built once per message, not per socket. */
    public String encode(ChatMessage message) {
        return encode(message, false);
    }

    /** The frame of a message read from the room's history, for one joining or resuming socket. */
    public String encodeHistory(ChatMessage message) {
        return encode(message, true);
    }

    private String encode(ChatMessage message, boolean fromHistory) {
        StringWriter out = new StringWriter(112 + message.text().length());
        try (JsonGenerator json = GENERATORS.createGenerator(out)) {
            json.writeStartObject()
                    .write("type", "chat.message")
                    .write("room", message.room().value())
                    .write("id", message.id())
                    .write("epoch", message.epoch())
                    .write("ts", isoMillis(message.timestamp()))
                    .write("user", message.user())
                    .write("message", message.text());
            if (message.clientId() != null) {
                json.write("cid", message.clientId());
            }
            if (message.verified()) {
                json.write("verified", true);
            }
            if (fromHistory) {
                json.write("history", true);
            }
            json.writeEnd();
        }
        return out.toString();
    }

    /**
     * Tells a socket that messages of its room were missed and are not coming: {@code code} says why
     * ({@code too_old}, {@code other_epoch}, {@code history_off}, {@code history_unavailable}, {@code lost}).
     */
    public String encodeGap(RoomName room, String code, String humanMessage) {
        StringWriter out = new StringWriter(96 + humanMessage.length());
        try (JsonGenerator json = GENERATORS.createGenerator(out)) {
            json.writeStartObject()
                    .write("type", "gap")
                    .write("room", room.value())
                    .write("code", code)
                    .write("message", humanMessage)
                    .writeEnd();
        }
        return out.toString();
    }

    /**
     * A room's presence, for a joining socket after its history: every member over every node, each once, the
     * anonymous connections as one {@code anonymous} entry; {@code count} is the room's connections.
     */
    public String encodePresence(RoomName room, List<PresenceLine> users) {
        int count = 0;
        int guests = 0;
        List<String> names = new ArrayList<>();
        for (PresenceLine line : users) {
            count += line.connections();
            if (line.anonymous()) {
                guests += line.connections();
            } else {
                names.add(line.user());
            }
        }
        StringWriter out = new StringWriter(96 + 48 * users.size());
        try (JsonGenerator json = GENERATORS.createGenerator(out)) {
            json.writeStartObject()
                    .write("type", "presence")
                    .write("room", room.value())
                    .writeStartArray("users");
            for (PresenceLine line : users) {
                json.writeStartObject()
                        .write("user", line.user())
                        .write("connections", line.connections())
                        .write("verified", line.verified())
                        .writeEnd();
            }
            json.writeEnd()
                    .write("count", count)
                    .write("message", whoIsHere(names, guests))
                    .writeEnd();
        }
        return out.toString();
    }

    /** A member's first connection arrived in the room ({@code joined}) or its last one left. */
    public String encodePresenceChange(RoomName room, boolean joined, String user, boolean verified) {
        StringWriter out = new StringWriter(96 + user.length());
        try (JsonGenerator json = GENERATORS.createGenerator(out)) {
            json.writeStartObject()
                    .write("type", joined ? "join" : "leave")
                    .write("room", room.value())
                    .write("user", user)
                    .write("verified", verified)
                    .write("message", user + (joined ? " joined" : " left"))
                    .writeEnd();
        }
        return out.toString();
    }

    /** One entry of a presence frame; {@code anonymous} for the one entry counting the guests without a name. */
    public record PresenceLine(String user, boolean verified, int connections, boolean anonymous) {
    }

    private static String whoIsHere(List<String> names, int guests) {
        List<String> items = new ArrayList<>(names);
        if (guests > 0) {
            items.add(guests == 1 ? "1 anonymous guest" : guests + " anonymous guests");
        }
        return switch (items.size()) {
            case 0 -> "Nobody is here.";
            case 1 -> "Here: " + items.get(0) + ".";
            default -> "Here: " + String.join(", ", items.subList(0, items.size() - 1)) + " and "
                    + items.get(items.size() - 1) + ".";
        };
    }

    public String encodeError(String code, String humanMessage) {
        return encodeError(code, humanMessage, null);
    }

    /** An error about one message; {@code clientId} (may be null) names it. */
    public String encodeError(String code, String humanMessage, String clientId) {
        StringWriter out = new StringWriter(64 + humanMessage.length());
        try (JsonGenerator json = GENERATORS.createGenerator(out)) {
            json.writeStartObject()
                    .write("type", "error")
                    .write("code", code)
                    .write("message", humanMessage);
            if (clientId != null) {
                json.write("cid", clientId);
            }
            json.writeEnd();
        }
        return out.toString();
    }

    public String encodeError(ProtocolException e) {
        return encodeError(e.code(), e.getMessage(), e.clientId());
    }

    static String isoMillis(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MILLIS).toString();
    }
}
