package org.chatrooms.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.json.JsonObject;

import org.chatrooms.dev.ChatServer;
import org.chatrooms.testing.Browser;
import org.chatrooms.testing.ChatClient;
import org.chatrooms.testing.RoomPage;
import org.chatrooms.testing.RoomPage.Line;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.logging.LogEntry;

/**
 * A server restart in the middle of a conversation: the page shows it is reconnecting, keeps what the user sends
 * meanwhile, reconnects by itself once the server is back on the same port and delivers it.
 */
@Timeout(120)
class ReconnectBrowserIT {

    /** Long enough for a few backoff steps (0.5, 1, 2, 4, 8 s ceilings) after a slow restart on a busy machine. */
    private static final Duration RECONNECT_TIMEOUT = Duration.ofSeconds(45);

    private ChatServer server;
    private Browser alice;

    @AfterEach
    void stop() throws Exception {
        try (ChatServer s = server; Browser a = alice) {
            // closed in reverse order, each even if another fails
        }
    }

    @Test
    void reconnectsAfterAServerRestartAndSendsWhatWasTypedMeanwhile() throws Exception {
        server = ChatServer.start(Map.of());
        int port = server.port();
        alice = Browser.start();
        alice.open(server.httpBase() + "chat/");
        RoomPage.rememberName(alice, "Alice");
        RoomPage page = RoomPage.open(alice, server.httpBase(), "restart");
        page.say("before the restart").awaitText("before the restart");

        server.close();
        page.awaitState("reconnecting");
        assertEquals("Send when online", page.sendLabel(), "the send control says the message will wait");
        assertTrue(alice.find("#composer-hint").getText().startsWith("No connection"));
        page.say("typed while the server was down");
        alice.until(d -> page.pending().size() == 1, "the message waiting in the outbox");
        assertEquals("", page.input().getDomProperty("value"));
        alice.screenshot("ReconnectBrowserIT-offline");

        server = ChatServer.start(ChatServer.builtWar(), "", "127.0.0.1", port, Map.of());
        alice.until(d -> "connected".equals(page.state()), "reconnected by itself", RECONNECT_TIMEOUT);
        assertEquals(new Line("Alice", "typed while the server was down", true),
                page.awaitText("typed while the server was down"));
        alice.until(d -> page.pending().isEmpty(), "outbox empty");
        assertEquals("Send", page.sendLabel());

        try (ChatClient bob = ChatClient.join(server.wsBase(), "restart")) {
            bob.sendRaw("{\"message\":\"welcome back\",\"user\":\"Bob\"}");
            assertEquals(new Line("Bob", "welcome back", false), page.awaitText("welcome back"));
            assertEquals("welcome back", bob.nextChat().getString("message"));
            page.say("thanks, chatting again");
            JsonObject received = bob.nextChat();
            assertEquals("thanks, chatting again", received.getString("message"));
            assertEquals("Alice", received.getString("user"));
        }
        alice.screenshot("ReconnectBrowserIT-reconnected");

        // While the server was down the browser reported each refused connection attempt; nothing else.
        List<LogEntry> errors = alice.consoleErrors().stream()
                .filter(e -> !e.getMessage().contains("WebSocket connection to 'ws://127.0.0.1:" + port))
                .toList();
        assertEquals(List.of(), errors);
    }
}
