package org.chatrooms.relay.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RedisRelayConfigTest {

    @Test
    void hostAloneMeansPort6379DatabaseZeroNoPasswordNoTls() {
        RedisRelayConfig config = RedisRelayConfig.parse("redis://cache.internal", "chat:");
        assertEquals("cache.internal", config.host());
        assertEquals(6379, config.port());
        assertEquals(0, config.database());
        assertEquals(Optional.empty(), config.user());
        assertEquals(Optional.empty(), config.password());
        assertFalse(config.tls());
        assertEquals("chat:", config.prefix());
    }

    @Test
    void everyPart() {
        RedisRelayConfig config = RedisRelayConfig.parse("rediss://chat:p%40ss+w%3Ard@redis_1:6380/3", "x:");
        assertEquals("redis_1", config.host(), "underscores, as in Docker service names");
        assertEquals(6380, config.port());
        assertEquals(3, config.database());
        assertEquals(Optional.of("chat"), config.user());
        assertEquals(Optional.of("p@ss+w:rd"), config.password(), "percent-decoded; '+' stays a plus");
        assertTrue(config.tls());
    }

    @Test
    void emptyUserIsTheDefaultUserWithAPassword() {
        RedisRelayConfig config = RedisRelayConfig.parse("redis://:secret@127.0.0.1:7000", "");
        assertEquals(Optional.empty(), config.user());
        assertEquals(Optional.of("secret"), config.password());
    }

    @Test
    void ipv6Address() {
        RedisRelayConfig config = RedisRelayConfig.parse("redis://[::1]:7001/", "");
        assertEquals("::1", config.host());
        assertEquals(7001, config.port());
        assertEquals("redis://[::1]:7001/0", config.redactedUrl());
    }

    @Test
    void thePasswordNeverShows() {
        RedisRelayConfig config = RedisRelayConfig.parse("redis://chat:hunter2@h:1/0", "p:");
        assertEquals("redis://chat:***@h:1/0", config.redactedUrl());
        assertFalse(config.toString().contains("hunter2"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> RedisRelayConfig.parse("redis://chat:hunter2@h:port/0", "p:"));
        assertFalse(bad.getMessage().contains("hunter2"), bad.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://h:1", "h:6379", "redis://", "redis://h:0", "redis://h:99999", "redis://h:x",
            "redis://h/db", "redis://h?ssl=true", "redis://user@h", "redis://[::1", "redis://h/-1"})
    void refusedWithAReason(String url) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RedisRelayConfig.parse(url, "chat:"));
        assertTrue(e.getMessage().startsWith("CHAT_REDIS_URL"), e.getMessage());
    }
}
