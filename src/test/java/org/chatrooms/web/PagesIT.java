package org.chatrooms.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;

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

/** The index and room pages as the built WAR serves them. */
@ExtendWith(ArquillianExtension.class)
@Timeout(60)
class PagesIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.builtWar();
    }

    @ArquillianResource
    private URL base;

    private HttpResponse<String> get(String path) {
        return Http.get(URI.create(base.toString()).resolve(path));
    }

    @Test
    void rootRedirectsToTheIndex() {
        HttpResponse<String> response = get("/");
        assertEquals(302, response.statusCode());
        assertTrue(response.headers().firstValue("Location").orElseThrow().endsWith("/chat/"));
    }

    @Test
    void indexHasTheOriginalElementIds() {
        HttpResponse<String> response = get("/chat/");
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElseThrow().contains("UTF-8"));
        assertTrue(response.body().contains("id=\"room-name-input\""));
        assertTrue(response.body().contains("id=\"room-name-submit\""));
    }

    @Test
    void roomPageHasTheOriginalElementIdsAndTheRoomAsJson() {
        HttpResponse<String> response = get("/chat/lobby_1/");
        assertEquals(200, response.statusCode());
        for (String id : new String[] {"chat-log", "chat-message-input", "chat-message-submit"}) {
            assertTrue(response.body().contains("id=\"" + id + "\""), id);
        }
        assertTrue(response.body().contains("type=\"application/json\">\"lobby_1\"</script>"), response.body());
    }

    @Test
    void unicodeRoomPageRendersTheNameAsUtf8() {
        HttpResponse<String> response = get("/chat/%E5%8F%B0%E7%A9%8D%E9%9B%BB/");
        assertEquals(200, response.statusCode());
        assertTrue(response.body().contains(">\"台積電\"</script>"), response.body());
        assertTrue(response.body().contains("<h1>台積電</h1>"));
    }

    @Test
    void roomWithoutTrailingSlashRedirectsToTheSlashForm() {
        HttpResponse<String> response = get("/chat/%E5%8F%B0%E7%A9%8D%E9%9B%BB");
        assertEquals(302, response.statusCode());
        assertTrue(response.headers().firstValue("Location").orElseThrow()
                .endsWith("/chat/%E5%8F%B0%E7%A9%8D%E9%9B%BB/"), response.headers().toString());
        assertEquals(302, get("/chat").statusCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/chat/a-b/", "/chat/a.b/", "/chat/a%20b/", "/chat/a/b/", "/chat/%3Cscript%3Ealert(1)%3C%2Fscript%3E/",
            "/chat/x%00y/", "/chat/a-b"})
    void badRoomNamesGetANotFoundPageWithoutAStackTrace(String path) {
        HttpResponse<String> response = get(path);
        assertTrue(response.statusCode() == 404 || response.statusCode() == 400, path + ": " + response.statusCode());
        assertFalse(response.body().contains("Exception"), response.body());
        assertFalse(response.body().contains("<script>alert"), response.body());
        if (response.statusCode() == 404) {
            assertTrue(response.body().contains("Not found"), response.body());
        }
    }

    @Test
    void pagesSendSecurityHeaders() {
        HttpResponse<String> response = get("/chat/2330/");
        String csp = response.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertTrue(csp.contains("script-src 'self'"), csp);
        assertFalse(csp.contains("unsafe-inline"), csp);
        assertTrue(csp.contains("frame-ancestors 'none'"), csp);
        assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElseThrow());
    }
}
