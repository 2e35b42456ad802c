package org.chatrooms.relay.redis;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import org.chatrooms.room.RoomName;
import org.chatrooms.room.StreamCursor;
import org.chatrooms.room.StreamPosition;

/**
 * The rooms this node has local sockets in, and for each what the relay knows about its subscription and ids.
 *
 * <p>Threads: container threads join, leave and read; the subscriber's read loops confirm; only a thread holding
 * {@link RedisDispatcher}'s delivery lock (its dispatch thread, or a read loop delivering itself) calls
 * {@link RoomState#accept} and the other methods said to be the dispatch thread's. Subscriptions are per connection: a room is confirmed on the connection with a
 * given generation number, so when that connection dies every room is unconfirmed at once, without a sweep.
 */
final class JoinedRooms {

    private final ConcurrentHashMap<RoomName, RoomState> rooms = new ConcurrentHashMap<>();

    /** The room's state, created on its first join. */
    RoomState join(RoomName room) {
        return rooms.computeIfAbsent(room, r -> new RoomState());
    }

    void leave(RoomName room) {
        rooms.remove(room);
    }

    /** The room's state, or null when no local socket is in it. */
    RoomState get(RoomName room) {
        return rooms.get(room);
    }

    List<RoomName> names() {
        return List.copyOf(rooms.keySet());
    }

    /** One joined room. */
    static final class RoomState {

        private final CompletableFuture<Void> firstConfirmation = new CompletableFuture<>();
        /** Generation of the subscriber connection that confirmed this room; 0 before the first. */
        private volatile long confirmedGeneration;
        // Dispatch thread only (whoever holds the delivery lock): how far this node has delivered the room's stream.
        private final StreamCursor delivered = new StreamCursor();

        /** Completes when Redis first confirmed the subscription; later reconnects do not reset it. */
        CompletionStage<Void> firstConfirmation() {
            return firstConfirmation;
        }

        /**
         * Redis confirmed the room on the connection {@code generation}. Returns true when it had been confirmed on
         * an earlier connection: a re-subscription after an outage, when messages may have been missed.
         *
         * <p>Not on the first subscription: a catch-up then would read the newest messages while older live ones
         * are still queued behind it, and those would be taken for repeats. A room that delivered nothing yet when
         * its connection dropped catches up with the newest messages; each socket then sees for itself whether its
         * own position is followed without a hole ({@code RoomSocket}), and is told if not.
         */
        boolean confirm(long generation) {
            long previous = confirmedGeneration;
            confirmedGeneration = generation;
            firstConfirmation.complete(null);
            return previous != 0 && previous != generation;
        }

        boolean isConfirmedOn(long generation) {
            return generation != 0 && confirmedGeneration == generation;
        }

        /** The last position delivered here, or null; dispatch thread only. */
        StreamPosition delivered() {
            return delivered.position();
        }

        /**
         * Whether a message may be delivered, and if so records it: within one epoch a room's ids only increase
         * (one script numbers and publishes), so an id not above the last one delivered is a repeat, e.g. a
         * message both in the history read after a reconnect and on the live subscription. Another epoch is a new
         * stream. Dispatch thread only.
         */
        boolean accept(StreamPosition position) {
            return delivered.advance(position);
        }

        /** The room's stream restarted in {@code epoch}, holding nothing yet: later messages of older epochs are stale. */
        void enterEpoch(String epoch) {
            delivered.enterEpoch(epoch);
        }

        /** Whether messages between the last one delivered and {@code position} never arrived here. */
        boolean isHoleBefore(StreamPosition position) {
            return delivered.isHoleBefore(position);
        }
    }
}
