package org.chatrooms.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import jakarta.websocket.CloseReason;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;

import org.chatrooms.protocol.ChatCodec;
import org.chatrooms.protocol.ChatPost;
import org.chatrooms.relay.HistoryFilter;
import org.chatrooms.relay.InMemoryRelay;
import org.chatrooms.room.RoomName;
import org.chatrooms.testing.Stages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LocalRoomsTest {

    /** A peer whose writes complete at once and are kept for the test to take. */
    static final class RecordingPeer implements ClientConnection.Peer {
        final BlockingQueue<String> frames = new LinkedBlockingQueue<>();

        @Override
        public String id() {
            return "recording";
        }

        @Override
        public void sendText(String frame, SendHandler done) {
            frames.add(frame);
            done.onResult(new SendResult());
        }

        @Override
        public void sendPing(java.nio.ByteBuffer payload) {
        }

        @Override
        public void close(CloseReason reason) {
        }

        String take() throws InterruptedException {
            String frame = frames.poll(5, TimeUnit.SECONDS);
            if (frame == null) {
                throw new AssertionError("no frame within 5 s");
            }
            return frame;
        }
    }

    private final InMemoryRelay relay = new InMemoryRelay();
    private final ChatCodec codec = new ChatCodec(100);
    private final LocalRooms rooms = new LocalRooms(relay, codec);
    private final RoomName lobby = new RoomName("lobby");
    private final RoomName other = new RoomName("other");

    {
        relay.start(rooms);
    }

    @AfterEach
    void stopRelay() {
        relay.close();
    }

    /** A socket of {@code room} as a handshake makes it: no session yet, not in its room yet. */
    private RoomSocket unopened(RoomName room) {
        ClientConnection connection = new ClientConnection(new ClientConnection.Limits(10_000, Long.MAX_VALUE),
                Runnable::run);
        return new RoomSocket(room, connection, codec, 10_000);
    }

    /** A socket of {@code room} on {@code peer}, caught up from an empty history and open. */
    private RoomSocket joined(RoomName room, RecordingPeer peer) {
        RoomSocket socket = unopened(room);
        Stages.await(rooms.join(socket));
        HistoryFilter none = HistoryFilter.latest(0);
        socket.catchUp(Stages.await(relay.history(room, none)), none);
        socket.open(peer);
        return socket;
    }

    @Test
    void encodesEachMessageOnceForTheWholeRoom() throws InterruptedException {
        RecordingPeer a = new RecordingPeer();
        RecordingPeer b = new RecordingPeer();
        joined(lobby, a);
        joined(lobby, b);
        relay.publish(new ChatPost(lobby, "anonymous", "hi"));
        String toA = a.take();
        assertSame(toA, b.take(), "one String per message, shared by every socket");
        assertTrue(toA.contains("\"message\":\"hi\""), toA);
    }

    @Test
    void deliversOnlyToTheRoomsMembers() throws InterruptedException {
        RecordingPeer inLobby = new RecordingPeer();
        RecordingPeer inOther = new RecordingPeer();
        joined(lobby, inLobby);
        joined(other, inOther);
        relay.publish(new ChatPost(lobby, "anonymous", "lobby only"));
        relay.publish(new ChatPost(other, "anonymous", "marker"));
        assertTrue(inOther.take().contains("marker"));
        assertTrue(inLobby.take().contains("lobby only"));
        assertEquals(List.of(), List.copyOf(inOther.frames));
    }

    @Test
    void anEmptyRoomDisappearsAndLeavesTheRelay() throws InterruptedException {
        RoomSocket first = joined(lobby, new RecordingPeer());
        RoomSocket second = joined(lobby, new RecordingPeer());
        rooms.leave(first);
        assertEquals(1, rooms.roomCount());
        rooms.leave(second);
        assertEquals(0, rooms.roomCount());
        Stages.assertFailsWith(org.chatrooms.relay.RelayUnavailableException.class,
                relay.publish(new ChatPost(lobby, "anonymous", "nobody here")));
    }

    @Test
    void liveMessagesArrivingDuringTheCatchUpFollowTheHistoryWithoutRepeats() throws InterruptedException {
        RecordingPeer peer = new RecordingPeer();
        RoomSocket early = joined(lobby, new RecordingPeer());
        relay.publish(new ChatPost(lobby, "ann", "one"));
        RoomSocket late = unopened(lobby);
        Stages.await(rooms.join(late));
        relay.publish(new ChatPost(lobby, "ann", "two"));
        HistoryFilter latest = HistoryFilter.latest(10);
        var history = Stages.await(relay.history(lobby, latest)); // holds one and two
        relay.publish(new ChatPost(lobby, "ann", "three"));
        awaitDispatched();
        late.catchUp(history, latest);
        late.open(peer);
        relay.publish(new ChatPost(lobby, "ann", "four"));
        List<String> frames = List.of(peer.take(), peer.take(), peer.take(), peer.take());
        assertTrue(frames.get(0).contains("\"one\"") && frames.get(0).contains("\"history\":true"), frames.get(0));
        assertTrue(frames.get(1).contains("\"two\"") && frames.get(1).contains("\"history\":true"), frames.get(1));
        assertTrue(frames.get(2).contains("\"three\"") && !frames.get(2).contains("history"), frames.get(2));
        assertTrue(frames.get(3).contains("\"four\""), frames.get(3));
        assertEquals(List.of(), List.copyOf(peer.frames), "\"two\" came live too, and was not repeated");
        rooms.leave(early);
    }

    @Test
    void aRelayGapReachesEverySocketOfTheRoom() throws InterruptedException {
        RecordingPeer a = new RecordingPeer();
        joined(lobby, a);
        rooms.onGap(lobby);
        assertTrue(a.take().contains("\"type\":\"gap\""));
    }

    /**
     * Waits until the relay's dispatch thread handed every message published so far to the rooms: it runs them in
     * order, so once a marker published after them arrives, they were delivered too.
     */
    private void awaitDispatched() throws InterruptedException {
        RecordingPeer marker = new RecordingPeer();
        joined(other, marker);
        relay.publish(new ChatPost(other, "ann", "marker"));
        marker.take();
    }
}
