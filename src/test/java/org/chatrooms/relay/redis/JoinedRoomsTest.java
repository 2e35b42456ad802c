package org.chatrooms.relay.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.chatrooms.relay.redis.JoinedRooms.RoomState;
import org.chatrooms.room.RoomName;
import org.chatrooms.room.StreamPosition;
import org.junit.jupiter.api.Test;

/** The per-room bookkeeping that keeps the Redis relay from delivering anything twice. */
class JoinedRoomsTest {

    private final RoomState room = new JoinedRooms().join(new RoomName("2330"));

    @Test
    void anIdAlreadyDeliveredInTheSameEpochIsARepeat() {
        assertTrue(room.accept(at("e1", 1)));
        assertTrue(room.accept(at("e1", 2)));
        assertFalse(room.accept(at("e1", 2)), "the same message from history and live subscription");
        assertFalse(room.accept(at("e1", 1)));
        assertTrue(room.accept(at("e1", 3)));
        assertEquals(at("e1", 3), room.delivered());
    }

    @Test
    void aNewEpochStartsNumberingOver() {
        room.accept(at("e1", 40));
        assertTrue(room.accept(at("e2", 1)), "Redis lost or rolled back the stream; id 1 is a new message");
        assertFalse(room.accept(at("e2", 1)));
    }

    /** A catch-up read found the stream restarted and empty: the old epoch's late messages must not take it back. */
    @Test
    void anEnteredEpochMakesTheOldOnesLateMessagesStale() {
        room.accept(at("e1", 39));
        room.enterEpoch("e2");
        assertFalse(room.accept(at("e1", 41)), "queued behind the catch-up; the sockets were told of the gap");
        assertTrue(room.accept(at("e2", 1)));
    }

    @Test
    void holesAreSeenOnlyWithinAnEpoch() {
        assertFalse(room.isHoleBefore(at("e1", 9)), "nothing delivered yet: no hole to see");
        room.accept(at("e1", 3));
        assertFalse(room.isHoleBefore(at("e1", 4)));
        assertTrue(room.isHoleBefore(at("e1", 6)));
        assertFalse(room.isHoleBefore(at("e2", 9)));
    }

    private static StreamPosition at(String epoch, long id) {
        return new StreamPosition(epoch, id);
    }

    @Test
    void aSecondConfirmationOnAnotherConnectionIsAResubscription() {
        assertFalse(room.confirm(1), "first subscription: nothing to catch up");
        assertTrue(room.firstConfirmation().toCompletableFuture().isDone());
        assertFalse(room.confirm(1), "the same connection answering twice");
        assertTrue(room.confirm(2));
        assertTrue(room.isConfirmedOn(2));
        assertFalse(room.isConfirmedOn(1));
        assertFalse(room.isConfirmedOn(0));
    }
}
