package org.chatrooms.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.chatrooms.config.ChatConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Django's {@code ALLOWED_HOSTS} rules ({@code django.http.request.validate_host} and its tests). */
class HostPolicyTest {

    private final HostPolicy defaults = new HostPolicy(ChatConfig.DEFAULT_ALLOWED_HOSTS);

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "localhost:8000", "LOCALHOST:8000", "127.0.0.1", "127.0.0.1:18081",
            "[::1]", "[::1]:8000", "localhost.", "127.0.0.1.:80", " localhost "})
    void theDefaultAllowsTheLoopbackNamesOnAnyPort(String host) {
        assertTrue(defaults.allows(host), host);
    }

    @ParameterizedTest
    @ValueSource(strings = {"evil.example", "evil.example:8000", "127.0.0.1.evil.example", "localhost.evil.example",
            "127.0.0.2", "[::2]", "[::1]x", "localhost@evil.example", "evil.example@localhost", "localhost/x",
            "local_host", "localhost:80:80", "localhost:port", "", " ", ".", "[::1", "::1", "0.0.0.0",
            "127.0.0.1\r\nX: y"})
    void theDefaultRefusesEverythingElse(String host) {
        assertFalse(defaults.allows(host), host);
    }

    @Test
    void aMissingHostIsRefused() {
        assertFalse(defaults.allows(null));
        assertFalse(new HostPolicy(List.of("*")).allows(null));
    }

    @Test
    void aLeadingDotMatchesTheDomainAndEverySubdomain() {
        HostPolicy policy = new HostPolicy(List.of(".example.com", "chat.example.net"));
        assertTrue(policy.allows("example.com"));
        assertTrue(policy.allows("chat.example.com:443"));
        assertTrue(policy.allows("a.b.EXAMPLE.com"));
        assertTrue(policy.allows("chat.example.net"));
        assertFalse(policy.allows("badexample.com"), "not a subdomain, only the same suffix");
        assertFalse(policy.allows("example.com.evil"));
        assertFalse(policy.allows("example.net"));
        assertFalse(policy.allows("www.chat.example.net"), "exact names do not match subdomains");
        assertFalse(policy.allows("localhost"), "the default is replaced, not extended");
    }

    @Test
    void aStarMatchesAnyValidHostButNotGarbage() {
        HostPolicy any = new HostPolicy(List.of("*"));
        assertTrue(any.allows("evil.example"));
        assertTrue(any.allows("[2001:db8::1]:8443"));
        assertFalse(any.allows("evil.example/path"));
        assertFalse(any.allows("user@evil.example"));
    }

    @Test
    void entriesAreCaseInsensitiveAndMayEndInADot() {
        HostPolicy policy = new HostPolicy(List.of("Chat.Example.COM.", "[2001:DB8::1]"));
        assertTrue(policy.allows("chat.example.com"));
        assertTrue(policy.allows("chat.example.com.:80"));
        assertTrue(policy.allows("[2001:db8::1]:8000"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://chat.example.com", "chat.example.com:8000", "chat.example.com/chat", "a b",
            "*.example.com", ".", "chat_example.com", "[::1]:8000"})
    void entriesThatCouldNeverMatchAreRefusedNamingTheSetting(String entry) {
        var e = assertThrows(IllegalArgumentException.class, () -> new HostPolicy(List.of(entry)));
        assertTrue(e.getMessage().contains("CHAT_ALLOWED_HOSTS"), e.getMessage());
    }

    @Test
    void theDomainOfAHostHeaderIsDjangosSplitDomainPort() {
        assertEquals(Optional.of("example.com"), HostPolicy.domainOf("Example.COM.:8080"));
        assertEquals(Optional.of("[::1]"), HostPolicy.domainOf("[::1]:8000"));
        assertEquals(Optional.empty(), HostPolicy.domainOf("exa mple.com"));
        assertEquals(Optional.empty(), HostPolicy.domainOf(null));
    }
}
