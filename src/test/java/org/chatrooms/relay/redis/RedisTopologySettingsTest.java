package org.chatrooms.relay.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import redis.clients.jedis.HostAndPort;

/** {@link RedisRelayConfig#fromSettings}: which mode the settings ask for, and what is refused. */
class RedisTopologySettingsTest {

    @Test
    void noRedisSettingMeansTheInMemoryRelay() {
        assertEquals(Optional.empty(), from(Map.of("CHAT_REDIS_PREFIX", "x:")));
    }

    @Test
    void aUrlIsOneServer() {
        RedisRelayConfig config = from(Map.of("CHAT_REDIS_URL", "redis://h:7000", "CHAT_REDIS_PREFIX", "x:"))
                .orElseThrow();
        assertEquals(new RedisTopology.Standalone(), config.topology());
        assertEquals(new HostAndPort("h", 7000), config.address());
        assertEquals("x:", config.prefix());
    }

    @Test
    void sentinelsAndAMasterName() {
        RedisRelayConfig config = from(Map.of("CHAT_REDIS_SENTINELS", "s1:26379, s2:26380,[::1]:26381",
                "CHAT_REDIS_MASTER", "mymaster", "CHAT_REDIS_PASSWORD", "hunter2", "CHAT_REDIS_TLS", "true"))
                .orElseThrow();
        assertEquals(new RedisTopology.Sentinel("mymaster", List.of(new HostAndPort("s1", 26379),
                new HostAndPort("s2", 26380), new HostAndPort("::1", 26381))), config.topology());
        assertEquals(Optional.of("hunter2"), config.password());
        assertTrue(config.tls());
        assertEquals("chat:", config.prefix());
        assertFalse(config.toString().contains("hunter2"), config.toString());
        assertTrue(config.toString().contains("s1:26379,s2:26380,[::1]:26381 master mymaster"), config.toString());
    }

    @Test
    void theSentinelsOwnPasswordIsKeptApartAndNeverShown() {
        RedisRelayConfig config = from(Map.of("CHAT_REDIS_SENTINELS", "s1:26379", "CHAT_REDIS_MASTER", "mymaster",
                "CHAT_REDIS_PASSWORD", "data-pw", "CHAT_REDIS_SENTINEL_PASSWORD", "sentinel-pw")).orElseThrow();
        RedisTopology.Sentinel sentinel = (RedisTopology.Sentinel) config.topology();
        assertEquals(Optional.of("sentinel-pw"), sentinel.password());
        assertEquals(Optional.of("data-pw"), config.password());
        assertFalse(config.toString().contains("sentinel-pw"), config.toString());
        assertFalse(sentinel.toString().contains("sentinel-pw"), sentinel.toString());
        assertTrue(config.toString().contains("(sentinel password ***)"), config.toString());
    }

    @Test
    void clusterSeeds() {
        RedisRelayConfig config = from(Map.of("CHAT_REDIS_CLUSTER", "a:7000,b:7001", "CHAT_REDIS_USER", "chat",
                "CHAT_REDIS_PASSWORD", "pw")).orElseThrow();
        assertEquals(new RedisTopology.Cluster(List.of(new HostAndPort("a", 7000), new HostAndPort("b", 7001))),
                config.topology());
        assertEquals(Optional.of("chat"), config.user());
        assertFalse(config.toString().contains("pw@"), config.toString());
    }

    @Test
    void refusedWithAReason() {
        assertRefused(Map.of("CHAT_REDIS_URL", "redis://h", "CHAT_REDIS_CLUSTER", "a:1"), "only one of");
        assertRefused(Map.of("CHAT_REDIS_SENTINELS", "s:1"), "go together");
        assertRefused(Map.of("CHAT_REDIS_MASTER", "m"), "go together");
        assertRefused(Map.of("CHAT_REDIS_URL", "redis://h", "CHAT_REDIS_PASSWORD", "pw"), "in the URL");
        assertRefused(Map.of("CHAT_REDIS_CLUSTER", "a"), "not host:port");
        assertRefused(Map.of("CHAT_REDIS_CLUSTER", "a:x"), "not a number");
        assertRefused(Map.of("CHAT_REDIS_CLUSTER", "a:0"), "out of range");
        assertRefused(Map.of("CHAT_REDIS_CLUSTER", " , "), "names no host:port");
        assertRefused(Map.of("CHAT_REDIS_CLUSTER", "a:1", "CHAT_REDIS_TLS", "maybe"), "CHAT_REDIS_TLS");
        assertRefused(Map.of("CHAT_REDIS_CLUSTER", "a:1", "CHAT_REDIS_SENTINEL_PASSWORD", "pw"),
                "goes with CHAT_REDIS_SENTINELS");
        assertRefused(Map.of("CHAT_REDIS_URL", "redis://h", "CHAT_REDIS_SENTINEL_PASSWORD", "pw"),
                "goes with CHAT_REDIS_SENTINELS");
    }

    private static void assertRefused(Map<String, String> settings, String because) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> from(settings));
        assertTrue(e.getMessage().contains(because), e.getMessage());
    }

    private static Optional<RedisRelayConfig> from(Map<String, String> settings) {
        return RedisRelayConfig.fromSettings(name -> Optional.ofNullable(settings.get(name)).filter(v -> !v.isBlank()));
    }
}
