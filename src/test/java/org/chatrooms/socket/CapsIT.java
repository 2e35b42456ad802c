package org.chatrooms.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.chatrooms.dev.ChatServer;
import org.chatrooms.testing.ChatClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Each cap refuses the next socket before the upgrade with its HTTP answer, while the sockets already there keep
 * chatting; a socket that leaves frees its place. Small caps, one node each.
 */
@Timeout(60)
class CapsIT {

    @Test
    void theNodeCapRefusesWith503() throws Exception {
        assertCap(Map.of("CHAT_MAX_SOCKETS", "3"), 3, 503, List.of("a", "b", "c"), "d");
    }

    @Test
    void thePerAddressCapRefusesWith429() throws Exception {
        assertCap(Map.of("CHAT_MAX_SOCKETS_PER_ADDRESS", "2"), 2, 429, List.of("a", "b"), "c");
    }

    @Test
    void theRoomCapRefusesWith503AndOtherRoomsStayOpen() throws Exception {
        try (ChatServer node = ChatServer.start(Map.of("CHAT_MAX_ROOM_SOCKETS", "2"))) {
            try (ChatClient one = ChatClient.join(node.wsBase(), "full");
                 ChatClient two = ChatClient.join(node.wsBase(), "full")) {
                assertEquals(503, ChatClient.refusedStatus(socket(node, "full"), origin(node)));
                try (ChatClient elsewhere = ChatClient.join(node.wsBase(), "roomy")) {
                    elsewhere.say("another room is open");
                    assertEquals("another room is open", elsewhere.nextChat().getString("message"));
                }
                one.say("still chatting");
                assertEquals("still chatting", two.nextChat().getString("message"));
            }
        }
    }

    @Test
    void behindATrustedProxyTheForwardedAddressIsCounted() throws Exception {
        try (ChatServer node = ChatServer.start(Map.of("CHAT_MAX_SOCKETS_PER_ADDRESS", "1",
                "CHAT_TRUSTED_PROXIES", "127.0.0.1"))) {
            try (ChatClient ann = ChatClient.connect(socket(node, "proxied"), origin(node),
                    Map.of("X-Forwarded-For", "203.0.113.7"));
                 ChatClient bob = ChatClient.connect(socket(node, "proxied"), origin(node),
                         Map.of("X-Forwarded-For", "203.0.113.8"))) {
                assertEquals(429, ChatClient.refusedStatus(socket(node, "proxied"), origin(node),
                        Map.of("X-Forwarded-For", "198.51.100.1, 203.0.113.7")),
                        "the right-most untrusted hop is the client; what it wrote before that does not count");
                ann.say("two clients behind one proxy");
                assertEquals("two clients behind one proxy", bob.nextChat().getString("message"));
            }
        }
    }

    private static void assertCap(Map<String, String> settings, int allowed, int status, List<String> names,
                                  String extra) throws Exception {
        try (ChatServer node = ChatServer.start(settings)) {
            List<ChatClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < allowed; i++) {
                    clients.add(ChatClient.join(node.wsBase(), "capped"));
                }
                assertEquals(status, ChatClient.refusedStatus(socket(node, "capped"), origin(node)),
                        extra + " is refused");
                clients.get(0).say("the others keep chatting");
                for (ChatClient client : clients) {
                    assertEquals("the others keep chatting", client.nextChat().getString("message"));
                }
                ChatClient leaving = clients.remove(clients.size() - 1);
                leaving.close();
                clients.add(awaitAdmitted(node));
            } finally {
                clients.forEach(ChatClient::close);
            }
        }
    }

    /** A socket that leaves frees its place, as soon as the server handled its close. */
    private static ChatClient awaitAdmitted(ChatServer node) {
        return org.chatrooms.testing.Eventually.value("a freed place", ChatClient.TIMEOUT,
                () -> {
                    try {
                        return ChatClient.join(node.wsBase(), "capped");
                    } catch (AssertionError refused) {
                        return null;
                    }
                }, joined -> joined != null);
    }

    private static URI socket(ChatServer node, String room) {
        return node.wsBase().resolve("ws/chat/" + room + "/");
    }

    private static String origin(ChatServer node) {
        return "http://" + node.wsBase().getAuthority();
    }
}
