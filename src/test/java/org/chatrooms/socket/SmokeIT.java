package org.chatrooms.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.chatrooms.dev.ChatServer;
import org.chatrooms.testing.ChatClient;
import org.junit.jupiter.api.Test;

class SmokeIT {
    @Test
    void echo() throws Exception {
        try (ChatServer server = ChatServer.start(Map.of());
             ChatClient a = ChatClient.join(server.wsBase(), "2330");
             ChatClient b = ChatClient.connect(server.wsBase().resolve("ws/chat/2330"), "http://127.0.0.1")) {
            a.say("hi");
            assertEquals("hi", a.nextChat().getString("message"));
            assertEquals("hi", b.nextChat().getString("message"));
        }
    }
}
