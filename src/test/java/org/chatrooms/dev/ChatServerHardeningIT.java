package org.chatrooms.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.apache.catalina.util.ServerInfo;
import org.chatrooms.testing.RawHttp;
import org.chatrooms.testing.RawHttp.Response;
import org.chatrooms.testing.TestLoginValve;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the run command's server tells strangers: its own error pages name no server version and show no stack
 * trace, and a page with a signed-in user's name is kept by no cache. The built WAR on {@link ChatServer}, as
 * {@code ./mvnw -Prun} serves it.
 */
@Timeout(60)
class ChatServerHardeningIT {

    private static ChatServer server;

    @BeforeAll
    static void start() throws Exception {
        server = ChatServer.start(Map.of());
        TestLoginValve.install(server);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private String host() {
        return "127.0.0.1:" + server.port();
    }

    /** Requests Tomcat itself refuses with 400, before any application sees them. */
    @ParameterizedTest
    @ValueSource(strings = {"GET /chat/%2F/ HTTP/1.1", "GET /chat/a%00b/ HTTP/1.1", "GET /chat/%zz/ HTTP/1.1"})
    void tomcatsOwnErrorPagesNameNoVersionAndShowNoTrace(String requestLine) {
        Response response = RawHttp.send(server.port(), requestLine + "\r\nHost: " + host() + "\r\nConnection: close\r\n\r\n");
        assertEquals(400, response.status(), response.body());
        assertQuiet(response);
    }

    @Test
    void aMalformedRequestLineGetsAQuietAnswerToo() {
        Response response = RawHttp.send(server.port(), "GET /chat/\u0001 HTTP/1.1\r\nHost: " + host() + "\r\n\r\n");
        assertEquals(400, response.status(), response.body());
        assertQuiet(response);
    }

    @Test
    void aSignedInUsersPageIsKeptByNoCache() {
        for (String path : new String[] {"/chat/", "/chat/2330/"}) {
            Response signedIn = RawHttp.send(server.port(), "GET " + path + "?" + TestLoginValve.PARAMETER
                    + "=carol HTTP/1.1\r\nHost: " + host() + "\r\nConnection: close\r\n\r\n");
            assertEquals(200, signedIn.status());
            assertTrue(signedIn.body().contains("\"user\":\"carol\""), "the page carries the name: " + path);
            assertEquals("private, no-store", signedIn.header("Cache-Control"), path);

            Response anonymous = RawHttp.send(server.port(), RawHttp.get(path, host()));
            assertEquals(200, anonymous.status());
            assertNull(anonymous.header("Cache-Control"), "anonymous pages stay cacheable: " + path);
        }
    }

    private static void assertQuiet(Response response) {
        String body = response.body();
        assertFalse(body.contains(ServerInfo.getServerNumber()), "version in " + body);
        assertFalse(body.contains("Apache Tomcat"), "server name in " + body);
        assertFalse(body.contains("Exception") || body.contains("\tat "), "stack trace in " + body);
        assertNull(response.header("Server"));
    }
}
