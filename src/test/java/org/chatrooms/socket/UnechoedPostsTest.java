package org.chatrooms.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.chatrooms.protocol.ChatCodec;
import org.chatrooms.protocol.ChatMessage;
import org.chatrooms.relay.History;
import org.chatrooms.relay.HistoryFilter;
import org.chatrooms.room.RoomName;
import org.chatrooms.room.StreamPosition;
import org.junit.jupiter.api.Test;

/**
 * A socket's own posts that the relay numbered: its echo settles each, and one whose place the stream passed
 * without it reaches the sender as {@code not_delivered} with its client id; in whatever order the publisher's
 * reply and the echo arrive, including both at once from two threads.
 */
class UnechoedPostsTest {

    private static final RoomName LOBBY = new RoomName("lobby");
    private final ChatCodec codec = new ChatCodec(100);
    private final LocalRoomsTest.RecordingPeer peer = new LocalRoomsTest.RecordingPeer();
    private final RoomSocket socket = openAt(new StreamPosition("e1", 4));

    private RoomSocket openAt(StreamPosition top) {
        ClientConnection connection = new ClientConnection(new ClientConnection.Limits(1_000_000, Long.MAX_VALUE),
                Runnable::run);
        RoomSocket opened = new RoomSocket(LOBBY, connection, codec, 1_000_000);
        HistoryFilter latest = HistoryFilter.latest(0);
        opened.catchUp(new History(top, List.of(), true), latest);
        opened.open(peer);
        return opened;
    }

    private static ChatMessage message(String epoch, long id, String cid) {
        return new ChatMessage(LOBBY, new StreamPosition(epoch, id), Instant.EPOCH, "ann", "text " + id, cid);
    }

    private void deliver(ChatMessage message) {
        socket.deliver(message, codec.encode(message), System.nanoTime());
    }

    /** Frames written so far, as (type, cid or id). */
    private List<String> frames() {
        List<String> seen = new ArrayList<>();
        for (String frame; (frame = peer.frames.poll()) != null; ) {
            JsonObject json;
            try (var reader = Json.createReader(new StringReader(frame))) {
                json = reader.readObject();
            }
            String type = json.getString("type");
            seen.add(switch (type) {
                case "error" -> "error " + json.getString("code") + " " + json.getString("cid", "-");
                case "chat.message" -> "chat " + json.getInt("id");
                default -> type;
            });
        }
        return seen;
    }

    @Test
    void echoAfterTheReplySettlesThePost() {
        ChatMessage mine = message("e1", 5, "c5");
        socket.numbered(mine);
        deliver(mine);
        deliver(message("e1", 6, null));
        assertEquals(List.of("chat 5", "chat 6"), frames());
    }

    @Test
    void echoBeforeTheReplySettlesThePost() {
        ChatMessage mine = message("e1", 5, "c5");
        deliver(mine);
        socket.numbered(mine);
        deliver(message("e1", 6, null));
        assertEquals(List.of("chat 5", "chat 6"), frames());
    }

    /**
     * A resend the room already had is awaited at its original's older place, after a newer post was numbered:
     * the original's echo must not settle the newer one as lost.
     */
    @Test
    void aRepeatsOriginalAwaitedAfterANewerPostSettlesOnlyItself() {
        ChatMessage newer = message("e1", 7, "c7");
        ChatMessage original = message("e1", 5, "c5");
        socket.numbered(newer);
        socket.numbered(original);
        deliver(original);
        deliver(message("e1", 6, null));
        deliver(newer);
        assertEquals(List.of("chat 5", "chat 6", "chat 7"), frames());
    }

    @Test
    void aLaterIdOfTheEpochMeansTheAwaitedPostWasLost() {
        socket.numbered(message("e1", 5, "c5"));
        socket.numbered(message("e1", 6, "c6"));
        deliver(message("e1", 6, "c6"));
        assertEquals(List.of("gap", "error not_delivered c5", "chat 6"), frames());
    }

    @Test
    void aNewEpochMeansTheAwaitedPostsOfTheOldOneWereLost() {
        socket.numbered(message("e1", 5, "c5"));
        socket.numbered(message("e1", 6, "c6"));
        deliver(message("e2", 1, null));
        assertEquals(List.of("error not_delivered c5", "error not_delivered c6", "chat 1"), frames());
    }

    @Test
    void aNewEpochAnnouncedByACatchUpMeansTheAwaitedPostWasLost() {
        socket.numbered(message("e1", 5, "c5"));
        socket.newEpoch("e2");
        assertEquals(List.of("error not_delivered c5"), frames());
        deliver(message("e2", 1, null));
        assertEquals(List.of("chat 1"), frames(), "the new epoch goes on without a gap notice");
    }

    @Test
    void aNewEpochAnnouncedWhileItsMessagesAreStillQueuedLosesNoneOfThem() {
        deliver(message("e2", 1, null));
        deliver(message("e2", 2, null));
        socket.newEpoch("e2"); // the dispatcher's catch-up read found nothing held, live copies already delivered
        deliver(message("e2", 3, null));
        assertEquals(List.of("chat 1", "chat 2", "chat 3"), frames());
    }

    @Test
    void anEchoSettlesEveryPostAheadOfItEvenOneOfAnEpochTheSocketNeverEntered() {
        socket.numbered(message("e2", 1, "lost-in-e2")); // a Redis that restarted twice: e2 lived briefly
        deliver(message("e3", 1, null));
        socket.numbered(message("e3", 2, "c2"));
        deliver(message("e3", 2, "c2"));
        socket.numbered(message("e3", 3, "c3"));
        deliver(message("e3", 3, "c3"));
        assertEquals(List.of("chat 1", "error not_delivered lost-in-e2", "chat 2", "chat 3"), frames());
    }

    @Test
    void aReplyArrivingAfterItsPlaceWasSkippedIsReportedAtOnce() {
        deliver(message("e1", 7, null)); // 5 and 6 never came
        socket.numbered(message("e1", 6, "c6"));
        deliver(message("e2", 2, null)); // e2's 1 never came, nor the rest of e1
        socket.numbered(message("e1", 9, "c9"));
        socket.numbered(message("e2", 1, "c-e2-1"));
        assertEquals(List.of("gap", "chat 7", "error not_delivered c6", "chat 2", "error not_delivered c9",
                "error not_delivered c-e2-1"), frames());
    }

    @Test
    void beyondTheBoundTheOldestAwaitedPostIsReportedAsNotConfirmed() {
        for (int id = 5; id < 5 + UnechoedPosts.MAX_AWAITED + 1; id++) {
            socket.numbered(message("e1", id, "c" + id));
        }
        assertEquals(List.of("error not_delivered c5"), frames());
    }

    /**
     * The publisher's reply and the echo race on two threads (they come from two Redis connections): 500 rounds
     * each of an echo that arrives, and of one skipped by the next message. Every post is settled once: no false
     * alarm for an echoed post, exactly one for a skipped one, whatever the order.
     */
    @Test
    void replyAndEchoRacingOnTwoThreadsSettleEachPostOnce() throws Exception {
        int rounds = 500;
        CyclicBarrier start = new CyclicBarrier(2);
        List<ChatMessage> mine = new ArrayList<>();
        List<ChatMessage> delivered = new ArrayList<>();
        long id = 5;
        for (int round = 0; round < rounds; round++) {
            ChatMessage echoed = message("e1", id++, "echoed-" + round);
            mine.add(echoed);
            delivered.add(echoed);
            ChatMessage lost = message("e1", id++, "lost-" + round);
            mine.add(lost);
            delivered.add(null); // its place is skipped by the next round's first message
        }
        Thread replies = new Thread(() -> {
            for (int i = 0; i < mine.size(); i++) {
                await(start);
                socket.numbered(mine.get(i));
            }
        }, "test-publisher");
        Thread echoes = new Thread(() -> {
            for (int i = 0; i < delivered.size(); i++) {
                await(start);
                if (delivered.get(i) != null) {
                    deliver(delivered.get(i));
                }
            }
        }, "test-dispatch");
        replies.start();
        echoes.start();
        replies.join(TimeUnit.SECONDS.toMillis(30));
        echoes.join(TimeUnit.SECONDS.toMillis(30));
        assertTrue(!replies.isAlive() && !echoes.isAlive(), "both threads finished");
        deliver(message("e1", id, null)); // passes the last round's lost post too

        List<String> errors = frames().stream().filter(frame -> frame.startsWith("error")).toList();
        List<String> expected = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            expected.add("error not_delivered lost-" + round);
        }
        assertEquals(expected, errors);
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
