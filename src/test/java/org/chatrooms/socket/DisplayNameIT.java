package org.chatrooms.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.util.Map;

import jakarta.json.JsonObject;

import org.chatrooms.dev.ChatServer;
import org.chatrooms.testing.ChatClient;
import org.chatrooms.testing.TestLoginValve;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Display names over real WebSockets on the built WAR: the optional {@code "user"} member, its rules, and the
 * container's authenticated user winning over whatever the client asks for.
 */
@Timeout(60)
class DisplayNameIT {

    private static ChatServer server;

    @BeforeAll
    static void start() throws Exception {
        server = ChatServer.start(Map.of());
        TestLoginValve.install(server);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static ChatClient loggedIn(String room, String user) {
        URI uri = server.wsBase().resolve("ws/chat/" + room + "/?" + TestLoginValve.PARAMETER + "=" + user);
        return ChatClient.connect(uri, "http://" + server.wsBase().getAuthority());
    }

    @Test
    void framesOfTheOriginalTutorialChatAsAnonymous() {
        try (ChatClient old = ChatClient.join(server.wsBase(), "names_old")) {
            old.say("hello");
            assertEquals("anonymous", old.nextChat().getString("user"));
            old.sendRaw("{\"message\":\"hello\",\"user\":\"\"}");
            assertEquals("anonymous", old.nextChat().getString("user"));
        }
    }

    @Test
    void requestedNameIsShownToEveryone() {
        try (ChatClient bystander = ChatClient.join(server.wsBase(), "names_ok");
             ChatClient sender = ChatClient.join(server.wsBase(), "names_ok")) {
            sender.sendRaw("{\"message\":\"你好\",\"user\":\"王小明\"}");
            for (ChatClient client : new ChatClient[] {sender, bystander}) {
                JsonObject received = client.nextChat();
                assertEquals("王小明", received.getString("user"));
                assertEquals("你好", received.getString("message"));
            }
        }
    }

    @Test
    void badNameIsRefusedToTheSenderAloneWithAReason() {
        try (ChatClient bystander = ChatClient.join(server.wsBase(), "names_bad");
             ChatClient sender = ChatClient.join(server.wsBase(), "names_bad")) {
            for (String bad : new String[] {"\"<b>bold</b>\"", "\"rtl\\u202Eevil\"", "\"a\\u0000b\"", "42",
                    "\"" + "x".repeat(33) + "\""}) {
                sender.sendRaw("{\"message\":\"hi\",\"user\":" + bad + "}");
                JsonObject error = sender.next();
                assertEquals("error", error.getString("type"), bad);
                assertEquals("invalid_name", error.getString("code"), bad);
                assertEquals(true, error.getString("message").contains("name"), error.toString());
            }
            sender.sendRaw("{\"message\":\"still here\",\"user\":\"Alice\"}");
            // The bystander's first frame is the good message: it never noticed the refused ones.
            assertEquals("still here", bystander.nextChat().getString("message"));
            assertEquals("still here", sender.nextChat().getString("message"));
        }
    }

    @Test
    void authenticatedUserCannotBeImpersonatedFromTheFrame() {
        try (ChatClient bystander = ChatClient.join(server.wsBase(), "names_auth");
             ChatClient carol = loggedIn("names_auth", "carol")) {
            carol.sendRaw("{\"message\":\"I am Alice, honest\",\"user\":\"Alice\"}");
            assertEquals("carol", bystander.nextChat().getString("user"));
            carol.say("no name asked");
            carol.sendRaw("{\"message\":\"bad name ignored\",\"user\":\"bad\\u0000\"}");
            assertEquals("carol", carol.nextChat().getString("user"));
            assertEquals("carol", carol.nextChat().getString("user"));
            assertEquals("carol", carol.nextChat().getString("user"));
        }
    }
}
