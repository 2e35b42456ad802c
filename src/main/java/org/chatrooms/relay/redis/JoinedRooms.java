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
        // Dispatch thread only: the last id delivered, and on which connection, to refuse repeats.
        private long lastGeneration;
        private long lastId;

        /** Completes when Redis first confirmed the subscription; later reconnects do not reset it. */
        CompletionStage<Void> firstConfirmation() {
            return firstConfirmation;
        }

        void confirm(long generation) {
            confirmedGeneration = generation;
            firstConfirmation.complete(null);
        }

        boolean isConfirmedOn(long generation) {
            return generation != 0 && confirmedGeneration == generation;
        }

        long highestId() {
            return highestId;
        }

        /**
         * Whether a message may be delivered: on one connection a room's ids only increase (one script numbers
         * and publishes, and a channel keeps publish order), so an id that does not is a repeat and is refused.
         * A new connection may legitimately restart lower, when Redis came back without its data.
         */
        boolean accept(long generation, long id) {
            if (generation == lastGeneration && id <= lastId) {
                return false;
            }
            lastGeneration = generation;
            lastId = id;
            if (id > highestId) {
                highestId = id;
            }
            return true;
        }
    }
}
