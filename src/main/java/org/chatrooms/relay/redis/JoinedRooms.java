package org.chatrooms.relay.redis;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import org.chatrooms.room.RoomName;
import org.chatrooms.room.StreamPosition;

/**
 * The rooms this node has local sockets in, and for each what the relay knows about its subscription and ids.
 *
 * <p>Threads: container threads join, leave and read; the subscriber thread confirms; the dispatch thread alone
 * calls {@link RoomState#accept}. Subscriptions are per connection: a room is confirmed on the connection with a
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
        // Dispatch thread only: the position of the last message delivered here, null before the first.
        private StreamPosition delivered;

        /** Completes when Redis first confirmed the subscription; later reconnects do not reset it. */
        CompletionStage<Void> firstConfirmation() {
            return firstConfirmation;
        }

        /**
         * Redis confirmed the room on the connection {@code generation}. Returns true when it had been confirmed on
         * an earlier connection: a re-subscription after an outage, when messages may have been missed.
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
            return delivered;
        }

        /**
         * Whether a message may be delivered, and if so records it: within one epoch a room's ids only increase
         * (one script numbers and publishes), so an id not above the last one delivered is a repeat, e.g. a
         * message both in the history read after a reconnect and on the live subscription. Another epoch is a new
         * stream. Dispatch thread only.
         */
        boolean accept(StreamPosition position) {
            if (delivered != null && !delivered.isBefore(position)) {
                return false;
            }
            delivered = position;
            return true;
        }

        /** Whether messages between the last one delivered and {@code position} never arrived here. */
        boolean isHoleBefore(StreamPosition position) {
            return delivered != null && delivered.epoch().equals(position.epoch()) && position.id() > delivered.id() + 1;
        }
    }
}
