package org.chatrooms.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.chatrooms.dev.ChatServer;
import org.chatrooms.testing.ChatClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Rooms as streams on one node (docs/streams.md): late joiners get the recent history, resuming clients exactly
 * what they missed, and a gap notice whenever that is no longer all held. The node keeps {@value #HISTORY}
 * messages per room, so tests stay small.
 */
@Timeout(60)
class HistoryIT {

    private static final int HISTORY = 5;
    private static ChatServer node;
    private static ChatServer historyOff;

    @BeforeAll
    static void start() throws Exception {
        node = ChatServer.start(Map.of("CHAT_HISTORY_SIZE", Integer.toString(HISTORY)));
        historyOff = ChatServer.start(Map.of("CHAT_HISTORY_SIZE", "0"));
    }

    @AfterAll
    static void stop() throws Exception {
        node.close();
        historyOff.close();
    }

    @Test
    void aLateJoinerGetsTheLastMessagesOldestFirstThenLiveOnesWithoutRepeats() {
        String room = freshRoom();
        try (ChatClient ann = ChatClient.join(ws(), room)) {
            List<JsonObject> sent = say(ann, 8);
            try (ChatClient bob = ChatClient.join(ws(), room)) {
                assertEquals(texts(sent.subList(3, 8)), bob.historyTexts());
                assertTrue(bob.start().stream().allMatch(frame -> frame.getBoolean("history")));
                assertEquals(sent.get(3).getInt("id"), bob.start().get(0).getInt("id"), "with their positions");
                ann.say("live");
                JsonObject live = bob.nextChat();
                assertEquals("live", live.getString("message"));
                assertFalse(live.containsKey("history"), "live messages are not marked");
                assertEquals(sent.get(7).getInt("id") + 1, live.getInt("id"), "no gap, no repeat at the hand-over");
            }
        }
    }

    @Test
    void aResumingClientGetsExactlyWhatItMissedThenLiveOnes() {
        String room = freshRoom();
        try (ChatClient ann = ChatClient.join(ws(), room)) {
            JsonObject lastSeen;
            try (ChatClient bob = ChatClient.join(ws(), room)) {
                say(ann, 2);
                bob.nextChat();
                lastSeen = bob.nextChat();
            }
            List<JsonObject> missed = say(ann, 3);
            try (ChatClient bob = ChatClient.resume(ws(), room, lastSeen)) {
                assertEquals(texts(missed), bob.historyTexts(), "exactly the missed ones, no gap notice");
                assertEquals(3, bob.start().size());
                ann.say("live");
                assertEquals("live", bob.nextChat().getString("message"));
            }
            try (ChatClient idOnly = ChatClient.resume(ws(), room, missed.get(1).getInt("id"), null)) {
                assertEquals(List.of(missed.get(2).getString("message"), "live"), idOnly.historyTexts(),
                        "an id without an epoch resumes in the current epoch");
            }
        }
    }

    @Test
    void aPositionOlderThanTheHistoryGetsAGapNoticeThenWhatIsHeld() {
        String room = freshRoom();
        try (ChatClient ann = ChatClient.join(ws(), room)) {
            List<JsonObject> sent = say(ann, 9);
            try (ChatClient bob = ChatClient.resume(ws(), room, sent.get(1))) {
                JsonObject gap = bob.start().get(0);
                assertEquals("gap", gap.getString("type"));
                assertEquals("too_old", gap.getString("code"));
                assertEquals(room, gap.getString("room"));
                assertFalse(gap.getString("message").isBlank(), "old clients print data.message");
                assertEquals(texts(sent.subList(4, 9)), bob.historyTexts());
            }
        }
    }

    @Test
    void aPositionFromAnotherEpochGetsAGapNotice() {
        String room = freshRoom();
        try (ChatClient ann = ChatClient.join(ws(), room)) {
            List<JsonObject> sent = say(ann, 2);
            try (ChatClient bob = ChatClient.resume(ws(), room, 1, "otherepoch1")) {
                assertEquals("other_epoch", bob.start().get(0).getString("code"));
                assertEquals(texts(sent), bob.historyTexts());
            }
        }
    }

    @Test
    void withHistoryOffNewcomersGetNothingAndResumersBehindAreTold() {
        String room = freshRoom();
        URI off = historyOff.wsBase();
        try (ChatClient ann = ChatClient.join(off, room)) {
            List<JsonObject> sent = say(ann, 3);
            try (ChatClient newcomer = ChatClient.join(off, room)) {
                assertEquals(List.of(), newcomer.start());
            }
            try (ChatClient behind = ChatClient.resume(off, room, sent.get(0))) {
                assertEquals(List.of("gap"), behind.start().stream().map(f -> f.getString("type")).toList());
            }
            try (ChatClient upToDate = ChatClient.resume(off, room, sent.get(2))) {
                assertEquals(List.of(), upToDate.start(), "nothing missed, nothing said");
            }
        }
    }

    @Test
    void aMalformedPositionIsReportedAndTheClientStartsAsANewOne() {
        String room = freshRoom();
        try (ChatClient ann = ChatClient.join(ws(), room)) {
            say(ann, 1);
            URI bad = ws().resolve("ws/chat/" + room + "/?since=soon");
            try (ChatClient bob = ChatClient.connect(bad, "http://" + ws().getAuthority())) {
                JsonObject error = bob.next();
                assertEquals("error", error.getString("type"));
                assertEquals("invalid_position", error.getString("code"));
                assertEquals("chat.message", bob.next().getString("type"), "then the history, as for a new client");
            }
        }
    }

    @Test
    void theClientIdComesBackInTheEchoAndInErrorsAboutThatMessage() {
        String room = freshRoom();
        try (ChatClient ann = ChatClient.join(ws(), room);
             ChatClient bob = ChatClient.join(ws(), room)) {
            ann.sendRaw(Json.createObjectBuilder().add("message", "hi").add("cid", "ann-1").build().toString());
            assertEquals("ann-1", ann.nextChat().getString("cid"));
            assertEquals("ann-1", bob.nextChat().getString("cid"), "every socket gets the same frame");
            ann.sendRaw(Json.createObjectBuilder().add("message", " ").add("cid", "ann-2").build().toString());
            JsonObject error = ann.next();
            assertEquals("empty_message", error.getString("code"));
            assertEquals("ann-2", error.getString("cid"));
        }
    }

    /**
     * A client that lost its socket before the echo sends the message again, marked as a resend (the page does so
     * after every reconnect): the room takes it only if its history lacks it, so nobody sees it twice.
     */
    @Test
    void aResendTheRoomHasIsNotPostedAgainAndOneItLacksIs() {
        String room = freshRoom();
        try (ChatClient ann = ChatClient.join(ws(), room);
             ChatClient bob = ChatClient.join(ws(), room)) {
            ann.post("hi", "ann-1", false);
            JsonObject original = bob.nextChat();
            ann.nextChat();
            ann.post("hi", "ann-1", true);
            ann.post("lost on the way", "ann-2", true);
            JsonObject next = bob.nextChat();
            assertEquals("ann-2", next.getString("cid"), "the repeat reached nobody");
            assertEquals(original.getInt("id") + 1, next.getInt("id"), "and used no id");
            assertEquals("ann-2", ann.nextChat().getString("cid"), "the resender gets no error, only the new echo");
            ann.sendRaw(Json.createObjectBuilder().add("message", "x").add("resend", true).build().toString());
            assertEquals("invalid_resend", ann.next().getString("code"), "a resend needs its cid");
            try (ChatClient carol = ChatClient.join(ws(), room)) {
                assertEquals(List.of("hi", "lost on the way"), carol.historyTexts());
            }
        }
    }


    /** Sends {@code count} messages and returns their echoes. */
    private static List<JsonObject> say(ChatClient client, int count) {
        List<JsonObject> echoes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            client.say("m" + i + " " + UUID.randomUUID());
            echoes.add(client.nextChat());
        }
        return echoes;
    }

    private static List<String> texts(List<JsonObject> frames) {
        return frames.stream().map(frame -> frame.getString("message")).toList();
    }

    private static URI ws() {
        return node.wsBase();
    }

    private static String freshRoom() {
        return "h" + UUID.randomUUID().toString().replace("-", "");
    }
}
