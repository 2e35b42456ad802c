package org.chatrooms.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Map;
import java.util.logging.Logger;

import org.chatrooms.dev.ChatServer;
import org.chatrooms.testing.ChatClient;
import org.chatrooms.testing.RawWebSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Keepalive ({@code CHAT_PING_SECONDS}, 1 s here): the server pings every socket each interval, and closes one that
 * has answered nothing for two intervals, while sockets that answer (browsers and the JDK client do it by
 * themselves) stay open.
 */
@Timeout(60)
class KeepaliveIT {

    private static final Logger LOG = Logger.getLogger(KeepaliveIT.class.getName());
    private static final int OP_PING = 0x9;

    @Test
    void pingsArriveEachIntervalAndASilentClientIsClosedAfterTwo() throws Exception {
        try (ChatServer node = ChatServer.start(Map.of("CHAT_PING_SECONDS", "1"))) {
            URI room = node.wsBase().resolve("ws/chat/keepalive/");
            try (ChatClient answering = ChatClient.join(node.wsBase(), "keepalive");
                 RawWebSocket silent = RawWebSocket.open(room, 64 * 1024)) {
                long opened = System.nanoTime();
                RawWebSocket.Frame first = nextControlOrClose(silent);
                assertEquals(OP_PING, first.opcode(), "a ping first");
                long firstPing = System.nanoTime();
                RawWebSocket.Frame second = nextControlOrClose(silent);
                assertEquals(OP_PING, second.opcode(), "a second ping, an interval later");
                long secondPing = System.nanoTime();
                double gapSeconds = (secondPing - firstPing) / 1e9;
                assertTrue(gapSeconds > 0.5 && gapSeconds < 5, "pings " + gapSeconds + " s apart");

                RawWebSocket.Frame end = nextControlOrClose(silent);
                while (end.opcode() == OP_PING) {
                    end = nextControlOrClose(silent);
                }
                double closedAfter = (System.nanoTime() - opened) / 1e9;
                assertEquals(RawWebSocket.OP_CLOSE, end.opcode());
                assertEquals(1001, end.closeCode(), "closed for not answering");
                // A ping goes out after an interval, and the next round finds it unanswered: about two intervals.
                assertTrue(closedAfter >= 1.5, "not before a ping went unanswered for an interval: " + closedAfter);
                LOG.info(() -> String.format("Keepalive: pings %.2f s apart; a silent socket closed after %.2f s",
                        gapSeconds, closedAfter));

                assertFalse(answering.isClosed(), "a client that answers pings stays open");
                answering.say("still here");
                assertEquals("still here", answering.nextChat().getString("message"));
            }
        }
    }

    /** The next ping or close frame, skipping data frames (the room's history, if any). */
    private static RawWebSocket.Frame nextControlOrClose(RawWebSocket socket) throws Exception {
        while (true) {
            RawWebSocket.Frame frame = socket.readFrame();
            if (frame.opcode() == OP_PING || frame.opcode() == RawWebSocket.OP_CLOSE) {
                return frame;
            }
        }
    }
}
