package org.chatrooms.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.chatrooms.bench.load.ServerFrameScanner.Kind;
import org.junit.jupiter.api.Test;

class ServerFrameScannerTest {

    private final ServerFrameScanner scanner = new ServerFrameScanner();

    private Kind scan(String json) {
        ByteBuffer buffer = ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8));
        return scanner.scan(buffer, 0, buffer.limit());
    }

    private String message(String json) {
        ByteBuffer buffer = ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8));
        scanner.scan(buffer, 0, buffer.limit());
        return new String(buffer.array(), scanner.messageStart(), scanner.messageEnd() - scanner.messageStart(),
                StandardCharsets.UTF_8);
    }

    @Test
    void a_live_chat_message_is_found_with_its_text() {
        String frame = "{\"type\":\"chat.message\",\"room\":\"r\",\"id\":17,\"ts\":\"2026-11-25T19:50:37.123Z\","
                + "\"user\":\"anonymous\",\"message\":\"1.2.3.4.xx\"}";
        assertEquals(Kind.LIVE, scan(frame));
        assertEquals("1.2.3.4.xx", message(frame));
    }

    @Test
    void member_order_whitespace_escapes_and_nested_values_do_not_matter() {
        String frame = "{ \"message\" : \"1.0.5.9.\", \"user\": \"a \\\"quoted\\\" } name\","
                + " \"meta\": {\"list\": [1, {\"type\": \"error\"}, \"]\"]}, \"type\" : \"chat.message\" }";
        assertEquals(Kind.LIVE, scan(frame));
        assertEquals("1.0.5.9.", message(frame));
    }

    @Test
    void history_replays_gaps_presence_and_errors_are_told_apart() {
        assertEquals(Kind.HISTORY, scan("{\"type\":\"chat.message\",\"history\":true,\"message\":\"old\"}"));
        assertEquals(Kind.LIVE, scan("{\"type\":\"chat.message\",\"history\":false,\"message\":\"new\"}"));
        assertEquals(Kind.OTHER, scan("{\"type\":\"gap\",\"from\":3,\"to\":9}"));
        assertEquals(Kind.OTHER, scan("{\"type\":\"presence\",\"users\":[\"a\",\"b\"]}"));
        assertEquals(Kind.ERROR, scan("{\"type\":\"error\",\"code\":\"invalid_json\",\"message\":\"no\"}"));
        assertEquals(Kind.MALFORMED, scan("not json"));
        assertEquals(Kind.MALFORMED, scan("{\"type\":\"chat.message\",\"message\":\"cut"));
    }

    @Test
    void a_token_round_trips() {
        String text = MessageToken.text(12, 3, 4567, 987_654_321_012L, 100);
        assertEquals(100, text.length());
        MessageToken token = new MessageToken();
        ByteBuffer buffer = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
        assertTrue(token.parse(buffer, 0, buffer.limit()));
        assertEquals(12, token.step());
        assertEquals(3, token.slot());
        assertEquals(4567, token.seq());
        assertEquals(987_654_321_012L, token.scheduled());
    }
}
