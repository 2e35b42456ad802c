package org.chatrooms.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.logging.LogRecord;

import org.chatrooms.dev.ChatServer;
import org.chatrooms.testing.LogCapture;
import org.chatrooms.testing.RawHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Refused handshakes under attack cost the log one short line, not a line per request holding whatever the
 * attacker sent: 300 refusals with 4 KB headers, then the log is read. A node of its own, so the once-a-minute
 * throttles start fresh.
 */
@Timeout(60)
class QuietLogsIT {

    private static final int ATTEMPTS = 300;
    /** The longest line we accept: the message, the address and two values of {@code LogText.MAX_CHARS}. */
    private static final int MAX_LINE = 400;

    private static ChatServer server;

    @BeforeAll
    static void start() throws Exception {
        server = ChatServer.start(Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void foreignOriginsAreLoggedOnceShortAndEscaped() {
        // 0xE2 0x80 0xAE is U+202E (right-to-left override) in UTF-8; Tomcat reads header bytes as ISO-8859-1.
        String origin = "http://evil.example/" + "\u00e2\u0080\u00ae" + "x".repeat(4000);
        try (LogCapture log = LogCapture.of(HandshakeFilter.class.getName())) {
            for (int i = 0; i < ATTEMPTS; i++) {
                var response = RawHttp.send(server.port(), RawHttp.handshake("GET", "/ws/chat/quiet/",
                        "127.0.0.1:" + server.port(), "websocket", origin));
                assertEquals(403, response.status());
            }
            assertOneShortLine(log.records(), "Refused WebSocket handshake");
        }
    }

    @Test
    void unknownHostsAreLoggedOnceAndShort() {
        String host = "a".repeat(4000) + ".example";
        try (LogCapture log = LogCapture.of("org.chatrooms.web.AllowedHostsFilter")) {
            for (int i = 0; i < ATTEMPTS; i++) {
                assertEquals(400, RawHttp.send(server.port(), RawHttp.get("/chat/", host)).status());
            }
            assertOneShortLine(log.records(), "CHAT_ALLOWED_HOSTS");
        }
    }

    private static void assertOneShortLine(List<LogRecord> records, String fragment) {
        assertEquals(1, records.size(), ATTEMPTS + " refusals, one line: " + records.stream()
                .map(LogCapture::text).toList());
        String line = LogCapture.text(records.get(0));
        assertTrue(line.contains(fragment), line);
        assertTrue(line.length() < MAX_LINE, line.length() + " characters: " + line);
        assertTrue(line.contains("more chars)"), "says the value was cut: " + line);
        assertFalse(line.chars().anyMatch(c -> c < 0x20 || (c >= 0x7F && c <= 0x9F)), "no control character: " + line);
    }
}
