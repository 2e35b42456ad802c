package org.chatrooms.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class ChatConfigTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        ChatConfig config = ChatConfig.defaults();
        assertEquals(4096, config.maxMessageChars());
        assertEquals(65536, config.maxFrameChars());
        assertEquals(1 << 20, config.sendQueueBytes());
        assertEquals(10, config.sendQueueSeconds());
        assertEquals(50, config.retention().historySize());
        assertEquals(86400, config.retention().idleTtl().toSeconds());
        assertEquals(List.of(), config.allowedOrigins());
        assertFalse(config.allowMissingOrigin());
        assertEquals(Optional.empty(), config.redisUrl());
        assertEquals("chat:", config.redisPrefix());
        assertEquals(List.of("localhost", "127.0.0.1", "[::1]"), config.allowedHosts());
        assertEquals(20, config.rateLimit());
        assertEquals(40, config.rateBurst());
        assertTrue(config.rateLimited());
    }

    @Test
    void readsTheHardeningSettings() {
        ChatConfig config = ChatConfig.from(Settings.of(Map.of(
                "CHAT_ALLOWED_HOSTS", "chat.example.com, .example.net [::1]", "CHAT_RATE_LIMIT", "5",
                "CHAT_RATE_BURST", "7")));
        assertEquals(List.of("chat.example.com", ".example.net", "[::1]"), config.allowedHosts());
        assertEquals(5, config.rateLimit());
        assertEquals(7, config.rateBurst());
    }

    @Test
    void aRateLimitOfZeroTurnsItOffAndThenTheBurstIsNotChecked() {
        ChatConfig off = ChatConfig.from(Settings.of(Map.of("CHAT_RATE_LIMIT", "0", "CHAT_RATE_BURST", "0")));
        assertFalse(off.rateLimited());
        var e = assertThrows(IllegalArgumentException.class,
                () -> ChatConfig.from(Settings.of(Map.of("CHAT_RATE_BURST", "0"))));
        assertTrue(e.getMessage().contains("CHAT_RATE_BURST"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ChatConfig.from(Settings.of(Map.of("CHAT_RATE_LIMIT", "-1"))));
        assertTrue(e.getMessage().contains("CHAT_RATE_LIMIT"), e.getMessage());
    }

    @Test
    void anEmptyHostListMeansTheDefaultNotNothing() {
        assertEquals(ChatConfig.DEFAULT_ALLOWED_HOSTS,
                ChatConfig.from(Settings.of(Map.of("CHAT_ALLOWED_HOSTS", " , "))).allowedHosts());
    }

    @Test
    void readsEverySetting() {
        ChatConfig config = ChatConfig.from(Settings.of(Map.of(
                "CHAT_MAX_MESSAGE_CHARS", "100", "CHAT_MAX_FRAME_CHARS", "2000", "CHAT_SEND_QUEUE_BYTES", "8",
                "CHAT_ALLOWED_ORIGINS", "a.example, .b.example  https://c.example", "CHAT_ALLOW_MISSING_ORIGIN", "yes",
                "CHAT_REDIS_URL", "redis://127.0.0.1:7000/2", "CHAT_REDIS_PREFIX", "staging:")));
        assertEquals(100, config.maxMessageChars());
        assertEquals(2000, config.maxFrameChars());
        assertEquals(8, config.sendQueueBytes());
        assertEquals(List.of("a.example", ".b.example", "https://c.example"), config.allowedOrigins());
        assertTrue(config.allowMissingOrigin());
        assertEquals(Optional.of("redis://127.0.0.1:7000/2"), config.redisUrl());
        assertEquals("staging:", config.redisPrefix());
    }

    @Test
    void contextParametersWinOverTheJvm() {
        System.setProperty("CHAT_SEND_QUEUE_BYTES", "3");
        try {
            assertEquals(3, ChatConfig.from(Settings.layered(name -> null)).sendQueueBytes());
            assertEquals(5, ChatConfig.from(Settings.layered(Map.of("CHAT_SEND_QUEUE_BYTES", "5")::get))
                    .sendQueueBytes());
        } finally {
            System.clearProperty("CHAT_SEND_QUEUE_BYTES");
        }
    }

    @Test
    void badValuesNameTheSetting() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> ChatConfig.from(Settings.of(Map.of("CHAT_MAX_MESSAGE_CHARS", "lots"))));
        assertTrue(e.getMessage().contains("CHAT_MAX_MESSAGE_CHARS"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> ChatConfig.from(Settings.of(Map.of("CHAT_SEND_QUEUE_BYTES", "0"))));
        assertThrows(IllegalArgumentException.class,
                () -> ChatConfig.from(Settings.of(Map.of("CHAT_ALLOW_MISSING_ORIGIN", "maybe"))));
    }
}
