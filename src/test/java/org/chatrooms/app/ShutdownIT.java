package org.chatrooms.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.chatrooms.dev.ChatServer;
import org.chatrooms.testing.ChatClient;
import org.chatrooms.testing.ChatThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Stopping the application sends clients away with 1001 and leaves no thread of ours behind. */
@Timeout(60)
class ShutdownIT {

    @Test
    void stopClosesSocketsWithGoingAwayAndStopsEveryThread() throws Exception {
        ChatServer server = ChatServer.start(Map.of());
        ChatClient client = ChatClient.join(server.wsBase(), "closing");
        client.say("before shutdown");
        assertEquals("before shutdown", client.nextChat().getString("message"));

        server.close();

        assertEquals(1001, client.awaitClose().code());
        assertEquals(List.of(), ChatThreads.alive());
    }

    @Test
    void reloadingTheApplicationKeepsServingAndLeaksNoThread() throws Exception {
        try (ChatServer server = ChatServer.start(Map.of())) {
            ChatClient client = ChatClient.join(server.wsBase(), "reload");
            server.context().reload();
            assertEquals(1001, client.awaitClose().code());
            try (ChatClient after = ChatClient.join(server.wsBase(), "reload")) {
                after.say("after reload");
                assertEquals("after reload", after.nextChat().getString("message"));
            }
            // Only the new node's threads (each name once); the old node's are gone.
            assertEquals(List.of("chat-relay-dispatch-1", "chat-timer-1"), ChatThreads.alive());
        }
    }
}
