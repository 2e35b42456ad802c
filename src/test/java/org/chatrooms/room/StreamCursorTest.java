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
        cursor.moveTo(at("e1", 9));
        assertFalse(cursor.isNew(at("e1", 9)));
        assertTrue(cursor.isNew(at("e1", 10)));
        cursor.moveTo(at("e2", 0));
        assertFalse(cursor.isNew(at("e1", 10)), "moving to another epoch leaves the old one");
        assertTrue(cursor.isNew(at("e2", 1)));
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
