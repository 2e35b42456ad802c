package org.chatrooms.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class FrameAssemblerTest {

    private final FrameAssembler assembler = new FrameAssembler(10);

    @Test
    void aWholeFramePassesThrough() throws Exception {
        assertEquals("{\"a\":1}", assembler.add("{\"a\":1}", true));
    }

    @Test
    void partsAreJoinedUpToTheLimit() throws Exception {
        assertNull(assembler.add("abc", false));
        assertNull(assembler.add("defg", false));
        assertEquals("abcdefghij", assembler.add("hij", true));
        assertEquals("next", assembler.add("next", true));
    }

    @Test
    void aTooLongMessageFailsOnceAndItsRestIsDropped() throws Exception {
        assertNull(assembler.add("123456", false));
        assertThrows(FrameAssembler.FrameTooLongException.class, () -> assembler.add("7890x", false));
        assertNull(assembler.add("more of the same message", false));
        assertNull(assembler.add("its end", true));
        assertEquals("fresh", assembler.add("fresh", true), "the next message starts clean");
    }

    @Test
    void aTooLongSinglePartFails() {
        assertThrows(FrameAssembler.FrameTooLongException.class, () -> assembler.add("12345678901", true));
    }
}
