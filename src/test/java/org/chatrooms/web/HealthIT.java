package org.chatrooms.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.util.Map;

import org.chatrooms.dev.ChatServer;
import org.chatrooms.testing.Http;
import org.junit.jupiter.api.Test;

/** The probes on a node with the in-memory relay, which is always ready while the application runs. */
class HealthIT {

    @Test
    void healthAndReadinessArePlainText() throws Exception {
        try (ChatServer server = ChatServer.start(Map.of())) {
            HttpResponse<String> health = Http.get(server.httpBase().resolve("healthz"));
            assertEquals(200, health.statusCode());
            assertEquals("ok", health.body());
            assertEquals("text/plain;charset=UTF-8", health.headers().firstValue("Content-Type").orElse("")
                    .replace(" ", ""));
            assertEquals("no-store", health.headers().firstValue("Cache-Control").orElse(""));
            HttpResponse<String> ready = Http.get(server.httpBase().resolve("readyz"));
            assertEquals(200, ready.statusCode());
            assertEquals("ready", ready.body());
        }
    }
}
