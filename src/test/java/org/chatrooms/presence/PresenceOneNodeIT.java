package org.chatrooms.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.Map;
import java.util.stream.Collectors;

import jakarta.json.JsonObject;

import org.chatrooms.dev.ChatServer;
import org.chatrooms.testing.ChatClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Presence on one node without Redis (the built WAR, in-memory): the same frames, from memory. */
@Timeout(60)
class PresenceOneNodeIT {

    private static ChatServer server;

    @BeforeAll
    static void start() throws Exception {
        server = ChatServer.start(Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static Map<String, Integer> users(JsonObject presence) {
        return presence.getJsonArray("users").getValuesAs(JsonObject.class).stream()
                .collect(Collectors.toMap(u -> u.getString("user"), u -> u.getInt("connections")));
    }

    @Test
    void listJoinLeaveAndRenameFromMemory() {
        try (ChatClient alice = ChatClient.join(server.wsBase(), "solo", "alice")) {
            assertEquals(Map.of("alice", 1), users(alice.joinPresence()));
            ChatClient bob = ChatClient.join(server.wsBase(), "solo", "bob");
            ChatClient guest = ChatClient.join(server.wsBase(), "solo");
            assertEquals(Map.of("alice", 1, "bob", 1, "anonymous", 1), users(guest.joinPresence()));
            assertEquals(3, guest.joinPresence().getInt("count"));
            assertNotNull(alice.awaitPresence("join", "bob", ChatClient.TIMEOUT));
            // A frame under another name: the connection's presence follows it.
            guest.sendRaw("{\"message\":\"hi\",\"user\":\"Gus\"}");
            assertEquals("Gus", guest.nextChat().getString("user"));
            assertNotNull(alice.awaitPresence("join", "Gus", ChatClient.TIMEOUT));
            guest.say("still Gus"); // no user member: the connection's name
            assertEquals("Gus", guest.nextChat().getString("user"));
            bob.close();
            JsonObject left = alice.awaitPresence("leave", "bob", ChatClient.TIMEOUT);
            assertNotNull(left, "bob's leave");
            assertEquals("bob left", left.getString("message"));
            guest.close();
            assertNotNull(alice.awaitPresence("leave", "Gus", ChatClient.TIMEOUT));
        }
    }

    @Test
    void aBadNameOnTheUrlIsRefusedAndTheSocketIsAnonymous() {
        try (ChatClient client = ChatClient.join(server.wsBase(), "solo_bad", "<b>")) {
            JsonObject error = client.next();
            assertEquals("invalid_name", error.getString("code"));
            assertEquals(Map.of("anonymous", 1), users(client.joinPresence()));
            client.say("hello");
            assertEquals("anonymous", client.nextChat().getString("user"));
        }
    }
}
