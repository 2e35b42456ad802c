package org.chatrooms.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.chatrooms.protocol.ChatCodec;
import org.chatrooms.protocol.ChatMessage;
import org.chatrooms.relay.History;
import org.chatrooms.relay.HistoryFilter;
import org.chatrooms.room.RoomName;
import org.chatrooms.room.StreamPosition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Redis failed over and the room's stream restarted in a new epoch while a socket was joining: its catch-up read
 * (the handshake's thread) may land in the new epoch while the dispatch thread still delivers the old epoch's last
 * messages, or before them, or after. Whatever the interleaving, the client gets every message of the new epoch
 * exactly once, in order (those the read gave as history, then the rest live). Before the fix, a read that landed
 * in the new epoch was undone by the old epoch's late messages, and every later message was dropped as stale.
 */
class EpochChangeDuringCatchUpTest {

    private static final RoomName LOBBY = new RoomName("lobby");
    private static final int ROUNDS = 600;
    private static final int OLD_TAIL = 5;
    private static final int NEW_MESSAGES = 12;
    private final ChatCodec codec = new ChatCodec(100);
    private final ExecutorService threads = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    private static ChatMessage message(String epoch, long id) {
        return new ChatMessage(LOBBY, new StreamPosition(epoch, id), Instant.EPOCH, "ann", "text " + id, null);
    }

    private static JsonObject parse(String frame) {
        try (var reader = Json.createReader(new StringReader(frame))) {
            return reader.readObject();
        }
    }

    /** A socket after the race: its read reached new:3, then the old epoch's message 40 came live. */
    private RoomSocket afterTheRace(LocalRoomsTest.RecordingPeer peer) {
        RoomSocket socket = new RoomSocket(LOBBY, new ClientConnection(
                new ClientConnection.Limits(1_000_000, Long.MAX_VALUE), Runnable::run), codec, 1_000_000);
        socket.catchUp(new History(new StreamPosition("new", 3), List.of(), true), HistoryFilter.latest(100), null);
        assertTrue(socket.open(peer));
        deliver(socket, message("old", 40));
        return socket;
    }

    private void deliver(RoomSocket socket, ChatMessage message) {
        socket.deliver(message, codec.encode(message), System.nanoTime());
    }

    private static List<String> kinds(LocalRoomsTest.RecordingPeer peer) {
        List<String> seen = new ArrayList<>();
        for (String frame; (frame = peer.frames.poll()) != null; ) {
            JsonObject json = parse(frame);
            seen.add(json.getString("type").equals("chat.message")
                    ? json.getString("epoch") + ":" + json.getJsonNumber("id").longValue()
                    : json.getString("type") + " " + json.getString("code", "") + " " + json.getString("cid", ""));
        }
        return seen;
    }

    /** After the race, the joiner's own post whose echo overtakes the publisher's reply is no false alarm. */
    @Test
    void anEchoThatOvertakesItsReplyAfterTheRaceSettlesThePost() {
        LocalRoomsTest.RecordingPeer peer = new LocalRoomsTest.RecordingPeer();
        RoomSocket socket = afterTheRace(peer);
        socket.newEpoch("new");
        deliver(socket, message("new", 4));
        ChatMessage mine = new ChatMessage(LOBBY, new StreamPosition("new", 5), Instant.EPOCH, "me", "hi", "c5");
        deliver(socket, mine);
        socket.numbered(mine);
        deliver(socket, message("new", 6));
        assertEquals(List.of("old:40", "new:4", "new:5", "new:6"), kinds(peer));
    }

    /** A post numbered in the epoch only the read knew, whose reply comes after a third epoch was announced. */
    @Test
    void aLateReplyInAnEpochOnlyTheReadKnewIsReportedOnceThatEpochIsLeft() {
        LocalRoomsTest.RecordingPeer peer = new LocalRoomsTest.RecordingPeer();
        RoomSocket socket = afterTheRace(peer);
        socket.newEpoch("newer");
        socket.numbered(new ChatMessage(LOBBY, new StreamPosition("new", 4), Instant.EPOCH, "me", "hi", "c4"));
        assertEquals(List.of("old:40", "error not_delivered c4"), kinds(peer));
    }

    @Test
    void everyMessageOfTheNewEpochArrivesOnceWhateverTheInterleaving() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            int readTop = round % 4; // how many of the new epoch's messages the read found
            boolean announced = round % 3 != 0; // the Redis dispatcher announces; the rule must not depend on it
            LocalRoomsTest.RecordingPeer peer = new LocalRoomsTest.RecordingPeer();
            RoomSocket socket = new RoomSocket(LOBBY, new ClientConnection(
                    new ClientConnection.Limits(1_000_000, Long.MAX_VALUE), Runnable::run), codec, 1_000_000);
            List<ChatMessage> history = new ArrayList<>();
            for (long id = 1; id <= readTop; id++) {
                history.add(message("new", id));
            }
            CyclicBarrier start = new CyclicBarrier(2);
            Future<?> dispatch = threads.submit(() -> {
                start.await(5, TimeUnit.SECONDS);
                for (long id = 101; id < 101 + OLD_TAIL; id++) {
                    ChatMessage old = message("old", id);
                    socket.deliver(old, codec.encode(old), System.nanoTime());
                }
                if (announced) {
                    socket.newEpoch("new");
                }
                for (long id = 1; id <= NEW_MESSAGES; id++) {
                    ChatMessage next = message("new", id);
                    socket.deliver(next, codec.encode(next), System.nanoTime());
                }
                return null;
            });
            Future<?> handshake = threads.submit(() -> {
                start.await(5, TimeUnit.SECONDS);
                socket.catchUp(new History(new StreamPosition("new", readTop), history, true),
                        HistoryFilter.latest(100), null);
                return null;
            });
            dispatch.get(5, TimeUnit.SECONDS);
            handshake.get(5, TimeUnit.SECONDS);
            assertTrue(socket.open(peer));

            List<Long> newIds = new ArrayList<>();
            List<Long> oldIds = new ArrayList<>();
            for (String frame; (frame = peer.frames.poll()) != null; ) {
                JsonObject json = parse(frame);
                String type = json.getString("type");
                assertTrue(type.equals("chat.message"), "round " + round + ": nothing but messages, not " + frame);
                (json.getString("epoch").equals("new") ? newIds : oldIds).add(json.getJsonNumber("id").longValue());
            }
            assertEquals(oldIds.stream().distinct().sorted().toList(), oldIds, "round " + round
                    + ": the old epoch's late messages at most once each, in order");
            List<Long> expected = new ArrayList<>();
            for (long id = 1; id <= NEW_MESSAGES; id++) {
                expected.add(id);
            }
            assertEquals(expected, newIds, "round " + round + ": the read found " + readTop
                    + (announced ? ", the new epoch announced" : ", not announced"));
        }
    }
}
