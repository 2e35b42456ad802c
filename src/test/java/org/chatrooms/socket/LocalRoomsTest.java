package org.chatrooms.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import jakarta.websocket.CloseReason;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;

import org.chatrooms.protocol.ChatCodec;
import org.chatrooms.protocol.ChatPost;
import org.chatrooms.relay.InMemoryRelay;
import org.chatrooms.room.RoomName;
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
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final LocalRooms rooms = new LocalRooms(relay, new ChatCodec(100), timer);
    private final RoomName lobby = new RoomName("lobby");
    private final RoomName other = new RoomName("other");

    {
        relay.start(rooms);
    }

    @AfterEach
    void stopRelay() {
        relay.close();
        timer.shutdownNow();
    }

    /** Waits until the timer ran everything due within {@code delay} (it runs tasks in time order). */
    private void awaitTimerPast(Duration delay) throws InterruptedException {
        CountDownLatch passed = new CountDownLatch(1);
        timer.schedule(passed::countDown, delay.toMillis() + 20, TimeUnit.MILLISECONDS);
        assertTrue(passed.await(5, TimeUnit.SECONDS));
    }

    @Test
    void aHandshakeHoldKeepsTheRoomJoinedUntilItExpires() throws InterruptedException {
        Duration hold = Duration.ofMillis(50);
        rooms.hold(lobby, hold);
        assertEquals(1, rooms.roomCount());
        awaitTimerPast(hold);
        assertEquals(0, rooms.roomCount());
    }

    @Test
    void aSocketThatJoinedDuringItsHoldKeepsTheRoomAfterwards() throws InterruptedException {
        Duration hold = Duration.ofMillis(50);
        RecordingPeer peer = new RecordingPeer();
        ClientConnection client = client(peer);
        rooms.hold(lobby, hold);
        rooms.join(lobby, client);
        awaitTimerPast(hold);
        assertEquals(1, rooms.roomCount());
        relay.publish(new ChatPost(lobby, "anonymous", "still joined"));
        assertTrue(peer.take().contains("still joined"));
        rooms.leave(lobby, client);
        assertEquals(0, rooms.roomCount());
    }

    private ClientConnection client(RecordingPeer peer) {
        return new ClientConnection(peer, 10, Runnable::run);
    }

    @Test
    void encodesEachMessageOnceForTheWholeRoom() throws InterruptedException {
        RecordingPeer a = new RecordingPeer();
        RecordingPeer b = new RecordingPeer();
        rooms.join(lobby, client(a));
        rooms.join(lobby, client(b));
        relay.publish(new ChatPost(lobby, "anonymous", "hi"));
        String toA = a.take();
        assertSame(toA, b.take(), "one String per message, shared by every socket");
        assertTrue(toA.contains("\"message\":\"hi\""), toA);
    }

    @Test
    void deliversOnlyToTheRoomsMembers() throws InterruptedException {
        RecordingPeer inLobby = new RecordingPeer();
        RecordingPeer inOther = new RecordingPeer();
        rooms.join(lobby, client(inLobby));
        rooms.join(other, client(inOther));
        relay.publish(new ChatPost(lobby, "anonymous", "lobby only"));
        relay.publish(new ChatPost(other, "anonymous", "marker"));
        assertTrue(inOther.take().contains("marker"));
        assertTrue(inLobby.take().contains("lobby only"));
        assertEquals(List.of(), List.copyOf(inOther.frames));
    }

    @Test
    void anEmptyRoomDisappearsAndStartsAfreshWhenRejoined() throws InterruptedException {
        RecordingPeer peer = new RecordingPeer();
        ClientConnection first = client(peer);
        ClientConnection second = client(new RecordingPeer());
        rooms.join(lobby, first);
        rooms.join(lobby, second);
        rooms.leave(lobby, first);
        assertEquals(1, rooms.roomCount());
        rooms.leave(lobby, second);
        assertEquals(0, rooms.roomCount());

        rooms.join(lobby, first);
        relay.publish(new ChatPost(lobby, "anonymous", "again"));
        assertTrue(peer.take().contains("\"id\":1,"), "the in-memory relay forgets an empty room's counter");
    }
}
