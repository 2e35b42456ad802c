package org.chatrooms.relay.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.chatrooms.relay.redis.JoinedRooms.RoomState;
import org.chatrooms.room.RoomName;
import org.junit.jupiter.api.Test;

/** The per-room bookkeeping that keeps the Redis relay from delivering anything twice. */
class JoinedRoomsTest {

    private final RoomState room = new JoinedRooms().join(new RoomName("2330"));

    @Test
    void anIdAlreadyDeliveredInTheSameEpochIsARepeat() {
        assertTrue(room.accept("e1", 1));
        assertTrue(room.accept("e1", 2));
        assertFalse(room.accept("e1", 2), "the same message from history and live subscription");
        assertFalse(room.accept("e1", 1));
        assertTrue(room.accept("e1", 3));
        assertEquals(3, room.highestId());
    }

    @Test
    void aNewEpochStartsNumberingOver() {
        room.accept("e1", 40);
        assertTrue(room.accept("e2", 1), "Redis lost its counters; id 1 is a new message");
        assertFalse(room.accept("e2", 1));
        assertEquals(40, room.highestId(), "the floor for new ids stays above what users saw");
    }

    @Test
    void gapsAreCountedOnlyWithinAnEpoch() {
        room.accept("e1", 3);
        assertEquals(0, room.missedBefore("e1", 4));
        assertEquals(2, room.missedBefore("e1", 6));
        assertEquals(0, room.missedBefore("e2", 9));
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
