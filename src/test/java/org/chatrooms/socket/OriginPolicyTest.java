package org.chatrooms.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OriginPolicyTest {

    private final OriginPolicy sameHostOnly = new OriginPolicy(List.of(), false);

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8000", "http://127.0.0.1", "https://127.0.0.1:443", "HTTP://127.0.0.1:9"})
    void acceptsTheRequestsOwnHostOnAnyPort(String origin) {
        assertTrue(sameHostOnly.allows(origin, "127.0.0.1:8000"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1.evil.example", "http://127.0.0.1@evil.example",
            "http://evil.example#127.0.0.1", "null", "http://evil.example", "file://127.0.0.1",
            "http://127.0.0.1:8000/path", "http://127.0.0.2", "ws://127.0.0.1", "http://", "not a url",
            "http://evil.example/?127.0.0.1"})
    void refusesLookAlikes(String origin) {
        assertFalse(sameHostOnly.allows(origin, "127.0.0.1:8000"), origin);
    }

    @Test
    void refusesAMissingOriginUnlessConfigured() {
        assertFalse(sameHostOnly.allows(null, "127.0.0.1:8000"));
        assertFalse(sameHostOnly.allows("", "127.0.0.1:8000"));
        assertTrue(new OriginPolicy(List.of(), true).allows(null, "127.0.0.1:8000"));
    }

    @Test
    void comparesHostNamesCaseInsensitivelyAndHandlesIpv6() {
        assertTrue(sameHostOnly.allows("https://Chat.Example.COM", "chat.example.com"));
        assertTrue(sameHostOnly.allows("http://[::1]:8000", "[::1]:8000"));
        assertFalse(sameHostOnly.allows("http://[::2]:8000", "[::1]:8000"));
        assertFalse(sameHostOnly.allows("http://127.0.0.1", null));
    }

    @Test
    void allowListTakesHostsSubdomainPatternsAndFullOrigins() {
        OriginPolicy policy = new OriginPolicy(List.of("app.example.com", ".example.org", "https://exact.example.net:8443"),
                false);
        String behindBalancer = "10.0.0.5:8080";
        assertTrue(policy.allows("https://app.example.com", behindBalancer));
        assertTrue(policy.allows("https://example.org", behindBalancer));
        assertTrue(policy.allows("https://a.b.example.org", behindBalancer));
        assertFalse(policy.allows("https://evilexample.org", behindBalancer));
        assertTrue(policy.allows("https://exact.example.net:8443", behindBalancer));
        assertFalse(policy.allows("http://exact.example.net:8443", behindBalancer));
        assertFalse(policy.allows("https://exact.example.net", behindBalancer));
        assertFalse(policy.allows("https://app.example.com.evil.example", behindBalancer));
        assertTrue(new OriginPolicy(List.of("*"), false).allows("https://anything.example", behindBalancer));
    }

    @Test
    void parsesHostHeaders() {
        assertEquals(Optional.of("127.0.0.1"), OriginPolicy.parseHostHeader("127.0.0.1:8000"));
        assertEquals(Optional.of("[::1]"), OriginPolicy.parseHostHeader("[::1]:8000"));
        assertEquals(Optional.of("example.com"), OriginPolicy.parseHostHeader("Example.com."));
        assertEquals(Optional.empty(), OriginPolicy.parseHostHeader("a@b"));
        assertEquals(Optional.empty(), OriginPolicy.parseHostHeader("a/b"));
    }
}
