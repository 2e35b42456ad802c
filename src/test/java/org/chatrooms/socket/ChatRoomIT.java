package org.chatrooms.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.time.Instant;
import java.util.List;

import jakarta.json.JsonObject;

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

/** One node, the built WAR, real sockets: the conversation itself. */
@ExtendWith(ArquillianExtension.class)
@Timeout(60)
class ChatRoomIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.builtWar();
    }

    @ArquillianResource
    private URL base;

    private URI ws() {
        return Http.toWebSocket(URI.create(base.toString()));
    }

    @Test
    void senderGetsItsOwnMessageBackWithEveryField() {
        Instant before = Instant.now().minusSeconds(1);
        try (ChatClient alice = ChatClient.join(ws(), "echo_room")) {
            alice.say("hello");
            JsonObject echo = alice.nextChat();
            assertEquals("hello", echo.getString("message"));
            assertEquals("chat.message", echo.getString("type"));
            assertEquals("echo_room", echo.getString("room"));
            assertEquals("anonymous", echo.getString("user"));
            assertEquals(1, echo.getInt("id"));
            Instant ts = Instant.parse(echo.getString("ts"));
            assertTrue(ts.isAfter(before) && ts.isBefore(Instant.now().plusSeconds(1)), "ts " + ts);
            assertTrue(echo.getString("ts").endsWith("Z"), "UTC: " + echo);
        }
    }

    @Test
    void everyoneInTheRoomSeesEveryMessageInOneOrder() {
        try (ChatClient alice = ChatClient.join(ws(), "2330"); ChatClient bob = ChatClient.join(ws(), "2330")) {
            for (int i = 0; i < 50; i++) {
                (i % 2 == 0 ? alice : bob).say("m" + i);
            }
            List<JsonObject> seenByAlice = alice.next(50);
            List<JsonObject> seenByBob = bob.next(50);
            assertEquals(seenByAlice, seenByBob);
            for (int i = 1; i < seenByAlice.size(); i++) {
                assertEquals(seenByAlice.get(i - 1).getInt("id") + 1, seenByAlice.get(i).getInt("id"));
            }
        }
    }

    @Test
    void roomsAreIsolated() {
        try (ChatClient inA = ChatClient.join(ws(), "room_a"); ChatClient inB = ChatClient.join(ws(), "room_b")) {
            inA.say("for a");
            inB.say("for b");
            assertEquals("for a", inA.nextChat().getString("message"));
            assertEquals("for b", inB.nextChat().getString("message"));
            // A marker through each room proves nothing else was queued before it.
            inA.say("marker a");
            assertEquals("marker a", inA.nextChat().getString("message"));
            assertEquals(List.of(), inB.pending());
        }
    }

    @Test
    void unicodeRoomNamesWorkPercentEncoded() {
        try (ChatClient alice = ChatClient.join(ws(), "台積電"); ChatClient bob = ChatClient.join(ws(), "台積電")) {
            alice.say("你好");
            assertEquals("你好", bob.nextChat().getString("message"));
            assertEquals("台積電", alice.nextChat().getString("room"));
        }
    }

    @Test
    void bothPathFormsReachTheSameRoom() {
        String origin = "http://" + base.getHost();
        try (ChatClient slash = ChatClient.connect(ws().resolve("ws/chat/paths/"), origin);
             ChatClient noSlash = ChatClient.connect(ws().resolve("ws/chat/paths"), origin)) {
            noSlash.say("from the bare path");
            assertEquals("from the bare path", slash.nextChat().getString("message"));
            slash.say("from the slash path");
            assertEquals("from the bare path", noSlash.nextChat().getString("message"));
            assertEquals("from the slash path", noSlash.nextChat().getString("message"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"a-b", "a.b", "a%20b", "..", "a%2Fb", "x/y", "%3Cscript%3E"})
    void refusesBadRoomNamesAtTheHandshake(String rawName) {
        URI uri = ws().resolve("ws/chat/" + rawName + "/");
        int status = ChatClient.refusedStatus(uri, "http://" + base.getHost());
        assertTrue(status == 404 || status == 400, rawName + " got " + status);
    }

    @Test
    void aRoomNameOf101CharactersIsRefused() {
        URI uri = ws().resolve("ws/chat/" + "x".repeat(101) + "/");
        assertEquals(404, ChatClient.refusedStatus(uri, "http://" + base.getHost()));
    }

    @Test
    void closingOneSocketLeavesTheOthersChatting() {
        try (ChatClient stays = ChatClient.join(ws(), "leaving")) {
            ChatClient leaves = ChatClient.join(ws(), "leaving");
            leaves.close();
            stays.say("still here");
            assertEquals("still here", stays.nextChat().getString("message"));
        }
    }

    @Test
    void serverStaysResponsiveUnderManyShortConnections() {
        for (int i = 0; i < 30; i++) {
            try (ChatClient c = ChatClient.join(ws(), "churn")) {
                c.say("hi " + i);
                assertEquals("hi " + i, c.nextChat().getString("message"));
            }
        }
    }
}
