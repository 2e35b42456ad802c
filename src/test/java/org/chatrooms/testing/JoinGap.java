package org.chatrooms.testing;

import java.net.URI;
import java.time.Duration;

/**
 * The join-gap check of the room-streams issue: P1 sits in the room (and keeps it alive); each round, P2 connects
 * and counts as joined the moment its 101 arrives, and P1 sends one message at that very moment. P2 must receive
 * it, every round. (The version connects P1 anew each round; a P1 that is already connected sends sooner,
 * which makes the window between the 101 and the server's {@code @OnOpen} easier to hit.) Before sockets joined
 * their room during the handshake, a busy 2-core machine missed it 4 to 22 times in 300.
 */
public final class JoinGap {

    /** How long P2 may take to receive P1's message before it counts as missed (it normally takes milliseconds). */
    private static final Duration ARRIVAL = Duration.ofSeconds(5);
    /**
     * Rounds one P1 socket sends before a fresh one takes over: fewer than the default rate limit's burst (40), so
     * the check runs on servers with their shipped settings.
     */
    private static final int ROUNDS_PER_SENDER = 30;

    private JoinGap() {
    }

    /**
     * Runs {@code rounds} rounds in {@code room}: P1 on {@code senderBase}, P2 on
     * {@code listenerBase}, both {@code ws://.../<context>/} bases.
     *
     * @return how many rounds P2 missed P1's message
     */
    public static int misses(URI senderBase, URI listenerBase, String room, int rounds) {
        int missed = 0;
        ChatClient p1 = ChatClient.join(senderBase, room);
        try {
            for (int round = 0; round < rounds; round++) {
                String text = "round " + round;
                if (round > 0 && round % ROUNDS_PER_SENDER == 0) {
                    ChatClient next = ChatClient.join(senderBase, room); // joins before the old one leaves
                    p1.close();
                    p1 = next;
                }
                try (ChatClient p2 = ChatClient.connectUpgraded(socket(listenerBase, room), origin(listenerBase))) {
                    p1.say(text);
                    if (!p2.awaitChat(text, ARRIVAL)) {
                        missed++;
                    }
                }
                if (!p1.awaitChat(text, ARRIVAL)) {
                    throw new AssertionError("P1 did not get its own " + text + ": the room itself failed");
                }
            }
        } finally {
            p1.close();
        }
        return missed;
    }

    private static URI socket(URI base, String room) {
        return base.resolve("ws/chat/" + ChatClient.encode(room) + "/");
    }

    private static String origin(URI base) {
        return "http://" + base.getAuthority();
    }
}
