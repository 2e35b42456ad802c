package org.chatrooms.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;

import org.chatrooms.testing.ChatClient;
import org.chatrooms.testing.Deployments;
import org.chatrooms.testing.RawHttp;
import org.chatrooms.testing.RawHttp.Response;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code CHAT_ALLOWED_HOSTS} at its default ({@code localhost,127.0.0.1,[::1]}) on the built WAR: requests for any
 * other host name get 400 on pages and handshakes alike, which is what stops DNS rebinding (a page from
 * {@code evil.example}, pointed at this server, is same-origin with the socket it opens, so the Origin check alone
 * lets it in). Raw requests, because HTTP clients set {@code Host} themselves.
 */
@ExtendWith(ArquillianExtension.class)
@Timeout(60)
class AllowedHostsIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.builtWar();
    }

    @ArquillianResource
    private URL base;

    private int port() {
        return base.getPort();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/chat/", "/chat/2330/", "/", "/static/chat.css", "/chat/no%20such/"})
    void pagesForAnUnknownHostGet400NamingTheSetting(String path) {
        Response response = RawHttp.send(port(), RawHttp.get(path, "evil.example:" + port()));
        assertBadHostPage(response);
    }

    @Test
    void theDnsRebindingHandshakeGets400() {
        // Same host in Host and Origin: the Origin check alone would let this page in.
        Response response = RawHttp.send(port(), RawHttp.handshake("GET", "/ws/chat/rebound/", "evil.example:" + port(),
                "websocket", "http://evil.example:" + port()));
        assertBadHostPage(response);
    }

    @Test
    void theRefusalPageSpeaksTheReadersLanguage() {
        Response response = RawHttp.send(port(), "GET /chat/ HTTP/1.1\r\nHost: evil.example\r\n"
                + "Accept-Language: zh-TW\r\nConnection: close\r\n\r\n");
        assertEquals(400, response.status());
        assertTrue(response.body().contains("lang=\"zh-TW\""), response.body());
        assertTrue(response.body().contains("CHAT_ALLOWED_HOSTS"), response.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "127.0.0.1", "[::1]", "LOCALHOST", "localhost."})
    void allowedHostsGetTheirPagesOnAnyPort(String host) {
        for (String hostHeader : new String[] {host, host + ":" + port(), host + ":8443"}) {
            Response response = RawHttp.send(port(), RawHttp.get("/chat/", hostHeader));
            assertEquals(200, response.status(), hostHeader + ": " + response.body());
            assertTrue(response.body().contains("room-name-input"), hostHeader);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "127.0.0.1", "[::1]"})
    void allowedHostsOpenSockets(String host) {
        Response response = RawHttp.send(port(), RawHttp.handshake("GET", "/ws/chat/hosts/", host + ":" + port(),
                "websocket", "http://" + host + ":" + port()));
        assertEquals(101, response.status(), host);
    }

    @Test
    void aSocketThroughTheJdkClientStillChats() {
        try (ChatClient client = ChatClient.join(java.net.URI.create("ws://localhost:" + port() + "/"), "hosts")) {
            client.say("via localhost");
            assertEquals("via localhost", client.nextChat().getString("message"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/healthz", "/readyz"})
    void probesAnswerWhateverTheHostBecauseBalancersProbeByAddress(String path) {
        Response response = RawHttp.send(port(), RawHttp.get(path, "10.1.2.3:8080"));
        assertEquals(200, response.status(), response.body());
    }

    @Test
    void aRequestWithoutHostIsRefused() {
        Response response = RawHttp.send(port(), "GET /chat/ HTTP/1.0\r\n\r\n");
        assertEquals(400, response.status());
    }

    private static void assertBadHostPage(Response response) {
        assertEquals(400, response.status(), response.body());
        assertTrue(response.header("Content-Type").startsWith("text/html"), response.header("Content-Type"));
        assertTrue(response.body().contains("CHAT_ALLOWED_HOSTS"), response.body());
        assertFalse(response.body().contains("evil.example"), "nothing of the request is echoed");
        assertFalse(response.body().contains("Tomcat") || response.body().contains("Exception"), response.body());
        assertEquals("no-store", response.header("Cache-Control"));
    }
}
