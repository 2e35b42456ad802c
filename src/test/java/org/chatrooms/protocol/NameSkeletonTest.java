package org.chatrooms.protocol;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The look-alike rule of docs/presence.md: which guest names pass for a verified "alice". */
class NameSkeletonTest {

    @Test
    void caseLookAlikeLettersDigitsAccentsAndPunctuationPassForTheName() {
        for (String imitation : new String[] {"alice", "ALICE", "Alice", "\u0430lice" /* Cyrillic а */,
                "\u0430\u04cf\u0456\u0441\u0435" /* all Cyrillic */, "al1ce", "aIice", "a.lice", "a_lice",
                "al\u00edce", "\uff41\uff4c\uff49\uff43\uff45" /* full-width */, "\u03b1lice" /* Greek α */}) {
            assertTrue(NameSkeleton.looksLike(imitation, "alice"), imitation);
        }
    }

    @Test
    void otherNamesDoNot() {
        for (String other : new String[] {"alicia", "alce", "bob", "王小明", "alice2"}) {
            assertFalse(NameSkeleton.looksLike(other, "alice"), other);
        }
    }

    @Test
    void namesInOtherScriptsKeepTheirOwnLetters() {
        assertTrue(NameSkeleton.looksLike("王小明", "王小明"));
        assertFalse(NameSkeleton.looksLike("王小明", "王大明"));
        assertFalse(NameSkeleton.looksLike("Борис", "Boris")); // б and и have no Latin twin here
    }
}
