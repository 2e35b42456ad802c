package org.chatrooms.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LogTextTest {

    @Test
    void shortPlainValuesAreQuotedAsTheyAre() {
        assertEquals("\"http://evil.example\"", LogText.quote("http://evil.example"));
        assertEquals("\"台積電 🚀\"", LogText.quote("台積電 🚀"));
        assertEquals("(none)", LogText.quote(null));
    }

    @Test
    void longValuesAreCutAndSayByHowMuch() {
        String quoted = LogText.quote("x".repeat(4096));
        assertEquals("\"" + "x".repeat(100) + "\"...(3996 more chars)", quoted);
    }

    @Test
    void aCutNeverSplitsASurrogatePair() {
        String quoted = LogText.quote("a".repeat(99) + "🚀🚀");
        assertEquals("\"" + "a".repeat(99) + "\"...(4 more chars)", quoted);
    }

    @Test
    void lineBreaksQuotesAndBidiControlsCannotForgeOrReorderTheLine() {
        String quoted = LogText.quote("a\r\nINFO: forged\" \\ \u202Eevil\u2066 \u200B \u0085 \u2028 \uD800x");
        assertEquals("\"a\\u000D\\u000AINFO: forged\\\" \\\\ \\u202Eevil\\u2066 \\u200B \\u0085 \\u2028 \\uD800x\"",
                quoted);
        assertFalse(quoted.chars().anyMatch(c -> c < 0x20 || c == 0x202E), quoted);
        assertTrue(quoted.startsWith("\"") && quoted.endsWith("\""));
    }
}
