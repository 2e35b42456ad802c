package org.chatrooms.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.util.List;
import java.util.Map;

import jakarta.json.JsonObject;

import org.chatrooms.dev.ChatServer;
import org.chatrooms.testing.ChatClient;
import org.chatrooms.testing.Deployments;
import org.chatrooms.testing.Http;
import org.chatrooms.testing.RawWebSocket;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A client that stops reading must not slow the room: the others get every message at full speed, and the
 * stalled one is closed with 1013 once its queue (64 frames here) is full.
 */
@ExtendWith(ArquillianExtension.class)
@Timeout(120)
class SlowReaderIT {

    private static final int MESSAGES = 3_000;
    /** Messages the sender has in flight at most: the pace of a fast chat, well within the queue's 64 frames' worth. */
    private static final int WINDOW = 8;

    /** 64 frames of 4,000 characters may wait; the sender is a script, not a person: no rate limit. */
    private static final Map<String, String> SETTINGS = Map.of("CHAT_SEND_QUEUE_BYTES", Integer.toString(64 * 4_100),
            "CHAT_RATE_LIMIT", "0");

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.builtWar(SETTINGS);
    }

    @ArquillianResource
    private URL base;

    @Test
    void aStalledReaderIsClosedWhileTheOthersKeepChatting() throws Exception {
        stalledReaderIsClosedWhileTheOthersChat(Http.toWebSocket(URI.create(base.toString())));
    }

    /**
     * The same on the run command's Tomcat, whose pool runs write completions on the relay's thread
     * ({@code InlineCompletionExecutor}): a stalled peer's pending write still completes later, on a pool thread.
     */
    @Test
    void aStalledReaderIsClosedOnTheRunCommandsTomcatToo() throws Exception {
        try (ChatServer node = ChatServer.start(SETTINGS)) {
            stalledReaderIsClosedWhileTheOthersChat(node.wsBase());
        }
    }

    private static void stalledReaderIsClosedWhileTheOthersChat(URI ws) throws Exception {
        String text = "x".repeat(4000);
        try (RawWebSocket stalled = RawWebSocket.open(ws.resolve("ws/chat/slow/"), 4096);
             ChatClient sender = ChatClient.join(ws, "slow");
             ChatClient reader = ChatClient.join(ws, "slow")) {
            for (int i = 0; i < MESSAGES; i += WINDOW) {
                for (int j = i; j < i + WINDOW; j++) {
                    sender.say(j + text);
                }
                assertEquals(WINDOW, sender.next(WINDOW).size());
            }
            List<JsonObject> received = reader.next(MESSAGES);
            for (int i = 0; i < MESSAGES; i++) {
                assertEquals(i + text, received.get(i).getString("message"), "message " + i);
            }
            // Only now does the stalled client read. It got what fit into the socket buffers before it fell
            // behind, then the server ended it: with a 1013 close frame, or, since a peer that reads nothing
            // cannot receive one, by closing the TCP connection after the close frame's write timed out.
            RawWebSocket.Ending ending = stalled.readUntilEnd();
            assertTrue(ending.dataFrames() < MESSAGES, "the stalled client was not cut off: " + ending);
            assertTrue(ending.closeCode() == 1013 || ending.closeCode() == RawWebSocket.Ending.NO_CLOSE_FRAME,
                    ending.toString());
        }
    }
}
