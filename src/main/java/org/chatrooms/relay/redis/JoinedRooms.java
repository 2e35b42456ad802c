package org.chatrooms.relay.redis;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import org.chatrooms.room.RoomName;

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
        /** Highest id delivered here; the floor for the next id should Redis lose the room's counter. */
        private volatile long highestId;
        // Dispatch thread only: the epoch and id of the last message delivered, to refuse repeats.
        private String lastEpoch;
        private long lastId;

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

        long highestId() {
            return highestId;
        }

        /**
         * Whether a message may be delivered: within one epoch a room's ids only increase (one script numbers and
         * publishes), so an id not above the last one delivered is a repeat, e.g. a message both in the history
         * read after a reconnect and on the live subscription. A new epoch means Redis started numbering over.
         */
        boolean accept(String epoch, long id) {
            if (epoch.equals(lastEpoch) && id <= lastId) {
                return false;
            }
            lastEpoch = epoch;
            lastId = id;
            if (id > highestId) {
                highestId = id;
            }
            return true;
        }

        /** How many messages were skipped before {@code id}: 0 unless some never reached this node. */
        long missedBefore(String epoch, long id) {
            return epoch.equals(lastEpoch) && id > lastId + 1 ? id - lastId - 1 : 0;
        }
    }
}
