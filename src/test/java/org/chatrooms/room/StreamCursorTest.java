package org.chatrooms.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StreamCursorTest {

    private final StreamCursor cursor = new StreamCursor();

    private static StreamPosition at(String epoch, long id) {
        return new StreamPosition(epoch, id);
    }

    @Test
    void withinAnEpochOnlyLaterIdsAreNewAndAJumpIsAHole() {
        assertTrue(cursor.advance(at("e1", 1)));
        assertFalse(cursor.advance(at("e1", 1)));
        assertFalse(cursor.isHoleBefore(at("e1", 2)));
        assertTrue(cursor.isHoleBefore(at("e1", 4)));
        assertTrue(cursor.advance(at("e1", 4)));
        assertEquals(at("e1", 4), cursor.position());
    }

    @Test
    void anEpochTheLiveStreamLeftIsStaleForGood() {
        cursor.advance(at("e1", 7));
        assertTrue(cursor.advance(at("e2", 1)));
        assertFalse(cursor.isNew(at("e1", 8)), "queued before Redis lost the stream");
        assertTrue(cursor.advance(at("e2", 2)));
    }

    @Test
    void aFreshCursorTakesAnything() {
        assertTrue(cursor.isNew(at("e1", 1)));
        assertNull(cursor.position());
    }

    @Test
    void aCatchUpsTopIsWhereTheReaderIs() {
        cursor.readTo(at("e1", 9));
        assertFalse(cursor.isNew(at("e1", 9)));
        assertTrue(cursor.isNew(at("e1", 10)));
        assertTrue(cursor.advance(at("e1", 10)));
    }

    /**
     * The race the read rule is for: the catch-up read reached a Redis that already started e2, while the live
     * stream still brings e1's last messages; then the relay announces e2, and e2's messages come from its first.
     */
    @Test
    void aReadIntoANewEpochIsNotUndoneByTheOldEpochsLateMessages() {
        cursor.readTo(at("e2", 3));
        assertTrue(cursor.advance(at("e1", 40)), "a late message of the old epoch is still a message");
        assertTrue(cursor.advance(at("e1", 41)));
        assertEquals(at("e2", 3), cursor.enterEpoch("e2"), "where the read had taken the reader");
        assertFalse(cursor.isNew(at("e2", 2)), "given by the read");
        assertFalse(cursor.isNew(at("e2", 3)), "given by the read");
        assertTrue(cursor.advance(at("e2", 4)));
        assertFalse(cursor.isNew(at("e1", 42)), "the live stream left e1");
    }

    @Test
    void withoutTheAnnouncementTheReadsEpochIsStillReachedAtItsPlace() {
        cursor.readTo(at("e2", 3));
        cursor.advance(at("e1", 40));
        assertFalse(cursor.isNew(at("e2", 3)));
        assertTrue(cursor.advance(at("e2", 4)));
        assertFalse(cursor.isNew(at("e1", 41)), "the live stream moved from e1 to e2");
    }

    /** The other way round: the read reached the old Redis just before it failed; the relay announces e2. */
    @Test
    void anAnnouncedEpochLeavesTheReadsEpochBehind() {
        cursor.readTo(at("e1", 10));
        assertEquals(at("e2", 0), cursor.enterEpoch("e2"));
        assertFalse(cursor.isNew(at("e1", 11)));
        assertTrue(cursor.advance(at("e2", 1)));
    }

    @Test
    void aLateOrRepeatedAnnouncementChangesNothing() {
        cursor.advance(at("e1", 5));
        assertEquals(at("e2", 0), cursor.enterEpoch("e2"));
        cursor.advance(at("e2", 1));
        assertNull(cursor.enterEpoch("e2"), "in it already");
        assertNull(cursor.enterEpoch("e1"), "left");
        assertEquals(at("e2", 1), cursor.position());
    }

    @Test
    void itRemembersAFewEpochsAndForgetsTheOldest() {
        for (int epoch = 1; epoch <= 6; epoch++) {
            cursor.advance(at("e" + epoch, 1));
        }
        assertFalse(cursor.isNew(at("e5", 2)));
        assertFalse(cursor.isNew(at("e2", 2)));
        assertTrue(cursor.isNew(at("e1", 2)), "beyond the few it remembers (an epoch changes when Redis loses a stream)");
    }
}
