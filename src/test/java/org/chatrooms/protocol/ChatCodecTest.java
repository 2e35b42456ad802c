package org.chatrooms.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.time.Instant;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.chatrooms.room.RoomName;
import org.chatrooms.room.StreamPosition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChatCodecTest {

    private final ChatCodec codec = new ChatCodec(20);

    @Test
    void readsTheMessageOfAnOriginalClientFrame() throws ProtocolException {
        assertEquals("hello", codec.parseMessageText("{\"message\": \"hello\"}"));
        assertEquals("multi\nline\ttab", codec.parseMessageText("{\"message\":\"multi\\nline\\ttab\"}"));
        assertEquals("台積電", codec.parseMessageText("{\"message\":\"\\u53f0積電\"}"));
    }

    @Test
    void ignoresOtherMembersButNotTheirDepth() throws ProtocolException {
        assertEquals("ok", codec.parseMessageText("{\"extra\":{\"a\":[1,2,{\"b\":null}]},\"message\":\"ok\"}"));
        String deep = "{\"extra\":" + "[".repeat(50) + "]".repeat(50) + ",\"message\":\"x\"}";
        assertEquals("too_deep", codeOf(deep));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "not json | invalid_json",
            "{\"message\": \"unterminated | invalid_json",
            "{\"message\":\"a\"} trailing | invalid_json",
            "{\"message\":\"a\"}{} | invalid_json",
            "[\"message\"] | not_an_object",
            "\"message\" | not_an_object",
            "42 | not_an_object",
            "null | not_an_object",
            "{} | missing_message",
            "{\"text\":\"hi\"} | missing_message",
            "{\"message\":42} | message_not_string",
            "{\"message\":null} | message_not_string",
            "{\"message\":[\"a\"]} | message_not_string",
            "{\"message\":\"\"} | empty_message",
            "{\"message\":\"  \\n \"} | empty_message",
            "{\"message\":\"bell\\u0007\"} | control_character",
            "{\"message\":\"esc\\u001b[2J\"} | control_character",
            "{\"message\":\"c1\\u0085\"} | control_character",
            "{\"message\":\"\\ud800\"} | invalid_text",
            "{\"message\":\"\\udc00x\"} | invalid_text",
            "{\"message\":\"123456789012345678901\"} | message_too_long",
    })
    void refusesBadFramesWithAReason(String frame, String code) {
        assertEquals(code, codeOf(frame));
    }

    @Test
    void countsLengthInCharacters() throws ProtocolException {
        assertEquals("😀".repeat(20), codec.parseMessageText("{\"message\":\"" + "😀".repeat(20) + "\"}"));
        assertEquals("message_too_long", codeOf("{\"message\":\"" + "😀".repeat(21) + "\"}"));
    }

    @Test
    void encodesEveryField() {
        ChatMessage message = new ChatMessage(new RoomName("台積電"), new StreamPosition("e1f2", 17),
                Instant.parse("2026-11-25T19:50:37.123456Z"), "anonymous", "<img src=x onerror=alert(1)> \"quoted\"\n",
                "cid-1");
        JsonObject json = parse(codec.encode(message));
        assertEquals("chat.message", json.getString("type"));
        assertEquals("台積電", json.getString("room"));
        assertEquals(17, json.getInt("id"));
        assertEquals("e1f2", json.getString("epoch"));
        assertEquals("2026-11-25T19:50:37.123Z", json.getString("ts"));
        assertEquals("anonymous", json.getString("user"));
        assertEquals(message.text(), json.getString("message"));
        assertEquals("cid-1", json.getString("cid"));
        assertFalse(json.containsKey("history"), "live frames are not marked");
        assertTrue(parse(codec.encodeHistory(message)).getBoolean("history"));
    }

    @Test
    void aMessageWithoutClientIdHasNoCidMember() {
        ChatMessage message = new ChatMessage(new RoomName("a"), new StreamPosition("e", 1), Instant.EPOCH, "bob",
                "hi", null);
        assertFalse(parse(codec.encode(message)).containsKey("cid"));
    }

    @Test
    void readsTheClientIdAndNamesItInErrorsAboutTheMessage() throws ProtocolException {
        assertEquals("k-1", codec.parseClientMessage("{\"message\":\"hi\",\"cid\":\"k-1\"}").clientId());
        ProtocolException tooLong = assertThrows(ProtocolException.class,
                () -> codec.parseClientMessage("{\"message\":\"" + "x".repeat(5000) + "\",\"cid\":\"k-2\"}"));
        assertEquals("message_too_long", tooLong.code());
        assertEquals("k-2", parse(codec.encodeError(tooLong)).getString("cid"));
        ProtocolException wrongType = assertThrows(ProtocolException.class,
                () -> codec.parseClientMessage("{\"message\":[1],\"cid\":\"k-3\"}"));
        assertEquals("message_not_string", wrongType.code());
        assertEquals("k-3", wrongType.clientId(), "the cid after the bad member is still read");
    }

    @Test
    void refusesClientIdsThatAreNotShortPrintableAscii() {
        assertEquals("invalid_cid", codeOf("{\"message\":\"hi\",\"cid\":\"\"}"));
        assertEquals("invalid_cid", codeOf("{\"message\":\"hi\",\"cid\":\"" + "x".repeat(65) + "\"}"));
        assertEquals("invalid_cid", codeOf("{\"message\":\"hi\",\"cid\":\"a b\"}"));
        assertEquals("invalid_cid", codeOf("{\"message\":\"hi\",\"cid\":7}"));
        assertEquals("invalid_cid", codeOf("{\"message\":\"hi\",\"cid\":\"台\"}"));
    }

    @Test
    void aResendIsFlaggedOnlyWithItsClientId() throws Exception {
        assertTrue(codec.parseClientMessage("{\"message\":\"hi\",\"cid\":\"k-1\",\"resend\":true}").resend());
        assertFalse(codec.parseClientMessage("{\"message\":\"hi\",\"cid\":\"k-1\",\"resend\":false}").resend());
        assertFalse(codec.parseClientMessage("{\"message\":\"hi\",\"cid\":\"k-1\"}").resend());
        assertEquals("invalid_resend", codeOf("{\"message\":\"hi\",\"resend\":true}"));
        assertEquals("invalid_resend", codeOf("{\"message\":\"hi\",\"cid\":\"k-1\",\"resend\":\"yes\"}"));
    }

    @Test
    void gapFramesSayWhyAndCarryAReadableMessage() {
        JsonObject json = parse(codec.encodeGap(new RoomName("2330"), "too_old", "Some messages were missed."));
        assertEquals("gap", json.getString("type"));
        assertEquals("2330", json.getString("room"));
        assertEquals("too_old", json.getString("code"));
        assertEquals("Some messages were missed.", json.getString("message"));
    }

    @Test
    void errorFramesCarryAHumanReadableMessage() {
        JsonObject json = parse(codec.encodeError(new ProtocolException("invalid_json", "Frame is not valid JSON.")));
        assertEquals("error", json.getString("type"));
        assertEquals("invalid_json", json.getString("code"));
        assertEquals("Frame is not valid JSON.", json.getString("message"));
    }

    private String codeOf(String frame) {
        return assertThrows(ProtocolException.class, () -> codec.parseMessageText(frame)).code();
    }

    private static JsonObject parse(String frame) {
        try (var reader = Json.createReader(new StringReader(frame))) {
            return reader.readObject();
        }
    }

    @Test
    void presenceFramesSayWhoIsHere() {
        ChatCodec codec = new ChatCodec(4096);
        RoomName room = RoomName.parse("lobby").orElseThrow();
        String list = codec.encodePresence(room, java.util.List.of(
                new ChatCodec.PresenceLine("alice", true, 2, false),
                new ChatCodec.PresenceLine("anonymous", false, 3, true),
                new ChatCodec.PresenceLine("bob", false, 1, false)));
        assertEquals("{\"type\":\"presence\",\"room\":\"lobby\",\"users\":[{\"user\":\"alice\",\"connections\":2,"
                + "\"verified\":true},{\"user\":\"anonymous\",\"connections\":3,\"verified\":false},{\"user\":\"bob\","
                + "\"connections\":1,\"verified\":false}],\"count\":6,\"message\":\"Here: alice, bob and 3 anonymous "
                + "guests.\"}", list);
        assertEquals("{\"type\":\"join\",\"room\":\"lobby\",\"user\":\"bob\",\"verified\":false,"
                + "\"message\":\"bob joined\"}", codec.encodePresenceChange(room, true, "bob", false));
        assertEquals("{\"type\":\"leave\",\"room\":\"lobby\",\"user\":\"alice\",\"verified\":true,"
                + "\"message\":\"alice left\"}", codec.encodePresenceChange(room, false, "alice", true));
    }
}
