package org.chatrooms.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** Every time here is passed in: no clock, no sleep. */
class TokenBucketTest {

    private static final long START = -7_000_000_000L; // System.nanoTime may be negative, or wrap
    private static final long MS = 1_000_000L;

    @Test
    void startsFullAndEmptiesAfterTheBurst() {
        TokenBucket bucket = new TokenBucket(20, 40);
        for (int i = 0; i < 40; i++) {
            assertTrue(bucket.tryTake(START), "message " + i + " of the burst");
        }
        assertFalse(bucket.tryTake(START));
        assertEquals(0, bucket.tokens());
    }

    @Test
    void refillsAtTheRateOneTokenAtATime() {
        TokenBucket bucket = new TokenBucket(20, 40);
        drain(bucket, START);
        assertFalse(bucket.tryTake(START + 49 * MS), "a token takes 50 ms");
        assertTrue(bucket.tryTake(START + 50 * MS));
        assertFalse(bucket.tryTake(START + 51 * MS));
        assertTrue(bucket.tryTake(START + 100 * MS));
    }

    @Test
    void sustainedSendingGetsExactlyTheRate() {
        TokenBucket bucket = new TokenBucket(20, 40);
        drain(bucket, START);
        int allowed = 0;
        for (long t = 1; t <= 10_000; t++) { // one attempt a millisecond for 10 s
            if (bucket.tryTake(START + t * MS)) {
                allowed++;
            }
        }
        assertEquals(200, allowed, "20 a second for 10 s");
    }

    @Test
    void neverHoldsMoreThanTheBurstHoweverLongItWaits() {
        TokenBucket bucket = new TokenBucket(20, 40);
        drain(bucket, START);
        long later = START + Duration.ofDays(365).toNanos();
        assertEquals(40, drain(bucket, later));
        assertEquals(40, drain(bucket, Long.MAX_VALUE), "no overflow for any gap");
    }

    @Test
    void aClockThatStepsBackRefillsNothing() {
        TokenBucket bucket = new TokenBucket(1, 1);
        assertTrue(bucket.tryTake(START));
        assertFalse(bucket.tryTake(START - Duration.ofSeconds(10).toNanos()));
        assertFalse(bucket.tryTake(START + 999 * MS), "going back did not move the refill");
        assertTrue(bucket.tryTake(START + 1000 * MS));
    }

    @Test
    void worksAcrossTheWrapOfNanoTime() {
        TokenBucket bucket = new TokenBucket(10, 1);
        long beforeWrap = Long.MAX_VALUE - 50 * MS;
        assertTrue(bucket.tryTake(beforeWrap));
        assertFalse(bucket.tryTake(beforeWrap + 50 * MS));
        assertTrue(bucket.tryTake(beforeWrap + 100 * MS), "100 ms later, past Long.MAX_VALUE");
    }

    @Test
    void rateAndBurstMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(1, 0));
    }

    private static int drain(TokenBucket bucket, long now) {
        int taken = 0;
        while (bucket.tryTake(now)) {
            taken++;
        }
        return taken;
    }
}
