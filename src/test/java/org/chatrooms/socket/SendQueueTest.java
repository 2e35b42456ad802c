package org.chatrooms.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;

import org.junit.jupiter.api.Test;

class SendQueueTest {

    @Test
    void anEmptyQueueHasNothingAndHasWaitedNothing() {
        SendQueue queue = new SendQueue();
        assertTrue(queue.isEmpty());
        assertNull(queue.poll());
        assertEquals(0, queue.chars());
        assertEquals(0, queue.oldestWaitNanos(1_000));
    }

    /** Adds and polls interleaved so the ring wraps, grows while wrapped, drains and starts again. */
    @Test
    void framesComeOutInOrderWithTheirTimesThroughWrapsGrowthAndDrains() {
        SendQueue queue = new SendQueue();
        ArrayDeque<String> expected = new ArrayDeque<>();
        ArrayDeque<Long> times = new ArrayDeque<>();
        long chars = 0;
        int next = 0;
        for (int round = 0; round < 200; round++) {
            int adds = round % 7 + 1;
            int polls = round % 5 + (round % 11 == 0 ? 40 : 0); // now and then more polls than frames: a drain
            for (int i = 0; i < adds; i++, next++) {
                String frame = "frame-" + next;
                queue.add(frame, next * 10L);
                expected.addLast(frame);
                times.addLast(next * 10L);
                chars += frame.length();
            }
            for (int i = 0; i < polls; i++) {
                assertEquals(times.isEmpty() ? 0 : 1_000_000L - times.peekFirst(), queue.oldestWaitNanos(1_000_000L));
                String polled = queue.poll();
                assertEquals(expected.pollFirst(), polled);
                times.pollFirst();
                if (polled != null) {
                    chars -= polled.length();
                }
                assertEquals(chars, queue.chars());
                assertEquals(expected.isEmpty(), queue.isEmpty());
            }
        }
    }

    @Test
    void clearEmptiesIt() {
        SendQueue queue = new SendQueue();
        for (int i = 0; i < 9; i++) {
            queue.add("x", i);
        }
        queue.clear();
        assertTrue(queue.isEmpty());
        assertEquals(0, queue.chars());
        assertNull(queue.poll());
        queue.add("again", 5);
        assertEquals("again", queue.poll());
    }
}
