package org.chatrooms.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.chatrooms.protocol.ChatMessage;
import org.chatrooms.relay.Relay;
import org.chatrooms.relay.RelayListener;
import org.chatrooms.room.RoomName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every {@link Presence} guarantees (its javadoc), run against the in-memory and the Redis implementation:
 * announcements reach the relay's listener as room events, a member's first connection joins and its last one
 * leaves, anonymous connections count but are not announced, and verified and guest members of one name are two
 * entries.
 */
@Timeout(30)
public abstract class PresenceContractTest {

    protected static final Duration WAIT = Duration.ofSeconds(5);
    protected static final RoomName ROOM = RoomName.parse("lobby").orElseThrow();
    private final List<Node> nodes = new ArrayList<>();

    /** A started relay and presence sharing one node's listener. */
    protected abstract Node startNode();

    protected Node node() {
        Node node = startNode();
        nodes.add(node);
        node.relay.join(ROOM).toCompletableFuture().join();
        return node;
    }

    @AfterEach
    void stopNodes() {
        nodes.forEach(Node::close);
    }

    @Test
    void firstConnectionJoinsAndLastLeaves() {
        Node node = node();
        Member bob = new Member("bob", false);
        node.presence.join(ROOM, bob);
        assertEquals(PresenceEvent.join(bob), node.nextEvent());
        node.presence.join(ROOM, bob);
        node.presence.leave(ROOM, bob);
        assertEquals(List.of(new PresenceEntry("bob", false, 1)), list(node));
        node.assertNoEvent();
        node.presence.leave(ROOM, bob);
        assertEquals(PresenceEvent.leave(bob), node.nextEvent());
        assertEquals(List.of(), list(node));
    }

    @Test
    void anonymousConnectionsAreCountedNotAnnounced() {
        Node node = node();
        node.presence.join(ROOM, Member.ANONYMOUS);
        node.presence.join(ROOM, Member.ANONYMOUS);
        assertEquals(List.of(new PresenceEntry("anonymous", false, 2)), list(node));
        node.presence.leave(ROOM, Member.ANONYMOUS);
        node.presence.leave(ROOM, Member.ANONYMOUS);
        assertEquals(List.of(), list(node));
        node.assertNoEvent();
    }

    @Test
    void aGuestOfAVerifiedNameIsAnotherEntry() {
        Node node = node();
        Member verified = new Member("alice", true);
        Member guest = new Member("alice", false);
        node.presence.join(ROOM, guest);
        node.presence.join(ROOM, verified);
        assertEquals(PresenceEvent.join(guest), node.nextEvent());
        assertEquals(PresenceEvent.join(verified), node.nextEvent());
        assertEquals(List.of(new PresenceEntry("alice", true, 1), new PresenceEntry("alice", false, 1)), list(node));
        node.presence.leave(ROOM, verified);
        assertEquals(PresenceEvent.leave(verified), node.nextEvent());
        assertEquals(List.of(new PresenceEntry("alice", false, 1)), list(node));
    }

    @Test
    void leavingWhatNeverJoinedChangesNothing() {
        Node node = node();
        Member bob = new Member("bob", false);
        node.presence.join(ROOM, bob);
        assertEquals(PresenceEvent.join(bob), node.nextEvent());
        node.presence.leave(ROOM, new Member("carol", false));
        assertEquals(List.of(new PresenceEntry("bob", false, 1)), list(node));
        node.assertNoEvent();
    }

    /** Delivered as the room's messages are (RelayListener): by the relay's own threads, never the caller's. */
    @Test
    void eventsArriveOnTheRelaysDeliveringThreads() {
        Node node = node();
        node.presence.join(ROOM, new Member("bob", false));
        node.nextEvent();
        String thread = node.threads.poll();
        assertEquals(true, thread != null && RELAY_DELIVERY_THREADS.stream().anyMatch(thread::startsWith),
                "listener thread " + thread);
    }

    /** The relay's dispatch threads, and the Redis relay's read loops, which deliver while dispatch is idle. */
    private static final List<String> RELAY_DELIVERY_THREADS =
            List.of("chat-relay-dispatch", "chat-redis-dispatch-", "chat-redis-subscriber-", "chat-redis-shard-");

    protected static List<PresenceEntry> list(Node node) {
        return node.presence.list(ROOM).toCompletableFuture().orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    /** One node's relay and presence, and the room events its listener got. */
    protected static final class Node implements AutoCloseable, RelayListener {
        public final Relay relay;
        public final Presence presence;
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();
        final BlockingQueue<String> threads = new LinkedBlockingQueue<>();

        public Node(Relay relay, java.util.function.Function<Relay, Presence> presence) {
            this.relay = relay;
            relay.start(this);
            this.presence = presence.apply(relay);
            this.presence.start(() -> List.of(ROOM));
        }

        @Override
        public void onMessage(ChatMessage message) {
        }

        @Override
        public void onGap(RoomName room) {
        }

        @Override
        public void onRoomEvent(RoomName room, String event) {
            threads.add(Thread.currentThread().getName());
            events.add(event);
        }

        public PresenceEvent nextEvent() {
            return nextEvent(WAIT);
        }

        public PresenceEvent nextEvent(Duration timeout) {
            try {
                String event = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (event == null) {
                    throw new AssertionError("No room event within " + timeout);
                }
                return PresenceEvent.decode(event);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        /** No event is waiting, after a list call proved the calls before it were carried out. */
        public void assertNoEvent() {
            presence.list(ROOM).toCompletableFuture().orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
            // Events of a change are published before its call completes; the relay hands them on within a moment.
            try {
                assertNull(events.poll(200, TimeUnit.MILLISECONDS), "unexpected room event");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        @Override
        public void close() {
            presence.close();
            relay.close();
        }
    }
}
