package org.chatrooms.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.URL;
import java.util.Map;

import org.chatrooms.testing.ChatClient;
import org.chatrooms.testing.Deployments;
import org.chatrooms.testing.Http;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The handshake's Origin check, with an allow-list configured for the deployment. */
@ExtendWith(ArquillianExtension.class)
@Timeout(60)
class OriginIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.builtWar(Map.of("CHAT_ALLOWED_ORIGINS", "trusted.example, .partner.example"));
    }

    @ArquillianResource
    private URL base;

    private URI room() {
        return Http.toWebSocket(URI.create(base.toString())).resolve("ws/chat/origins/");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://evil.example", "http://127.0.0.1.evil.example", "http://127.0.0.1@evil.example",
            "null", "http://localhost.evil.example", "https://trusted.example.evil.example", "file://127.0.0.1",
            "http://partner.example.evil"})
    void foreignOriginsAreRefusedWith403(String origin) {
        assertEquals(403, ChatClient.refusedStatus(room(), origin));
    }

    @Test
    void aMissingOriginIsRefusedByDefault() {
        assertEquals(403, ChatClient.refusedStatus(room(), null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1", "https://127.0.0.1:8443", "https://trusted.example",
            "https://app.partner.example"})
    void sameHostOnAnyPortAndAllowListedOriginsChat(String origin) {
        try (ChatClient client = ChatClient.connect(room(), origin)) {
            client.say("from " + origin);
            assertEquals("from " + origin, client.nextChat().getString("message"));
        }
    }
}
