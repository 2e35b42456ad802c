package org.chatrooms.socket;

import static org.chatrooms.socket.MessageRateLimit.Verdict.ALLOW;
import static org.chatrooms.socket.MessageRateLimit.Verdict.CLOSE;
import static org.chatrooms.socket.MessageRateLimit.Verdict.REFUSE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

import org.chatrooms.config.ChatConfig;
import org.chatrooms.config.Settings;
import org.chatrooms.socket.MessageRateLimit.Verdict;
import org.junit.jupiter.api.Test;

/** The per-socket rule with the defaults (20 a second, bursts of 40), on a clock the test moves. */
class MessageRateLimitTest {

    private static final long START = 123_456_789L;
    private static final long MS = 1_000_000L;

    private final MessageRateLimit limit = forConfig(ChatConfig.defaults());

    private static MessageRateLimit forConfig(ChatConfig config) {
        return MessageRateLimit.forSocket(config.rateLimit(), config.rateBurst());
    }

    @Test
    void aBurstOfFortyPassesAndTheFortyFirstIsRefused() {
        for (int i = 0; i < 40; i++) {
            assertEquals(ALLOW, limit.check(START), "message " + i);
        }
        assertEquals(REFUSE, limit.check(START));
    }

    @Test
    void aHumanTypingFastIsNeverRefused() {
        // Five messages a second, each a second's worth of typing at most: far below 20 a second.
        for (long t = 0; t < 60_000; t += 200) {
            assertEquals(ALLOW, limit.check(START + t * MS), "at " + t + " ms");
        }
    }

    @Test
    void sendingExactlyAtTheRateIsNeverRefused() {
        for (int i = 0; i < 40; i++) {
            limit.check(START);
        }
        for (long t = 50; t <= 60_000; t += 50) {
            assertEquals(ALLOW, limit.check(START + t * MS), "at " + t + " ms");
        }
    }

    @Test
    void aFlooderIsRefusedThenClosedFiveSecondsAfterItsFirstRefusal() {
        Map<Verdict, Integer> verdicts = new EnumMap<>(Verdict.class);
        long firstRefusal = -1;
        long closedAt = -1;
        // 1,000 messages a second (the burst the issue measured was 60,000 a second).
        for (long t = 0; t <= 10_000 && closedAt < 0; t++) {
            Verdict verdict = limit.check(START + t * MS);
            verdicts.merge(verdict, 1, Integer::sum);
            if (verdict == REFUSE && firstRefusal < 0) {
                firstRefusal = t;
            }
            if (verdict == CLOSE) {
                closedAt = t;
            }
        }
        // 40 at once (t = 0..39 ms, while 0.8 of a token came back), then one token every 50 ms.
        assertEquals(40, firstRefusal);
        assertEquals(firstRefusal + 5000, closedAt, "closed 5 s after the first refused message");
        assertEquals(40 + closedAt / 50, (long) verdicts.get(ALLOW), "the burst, then 20 a second");
        assertEquals(1, verdicts.get(CLOSE));
        assertEquals(closedAt + 1 - verdicts.get(ALLOW) - 1, (long) verdicts.get(REFUSE), "all the others told");
    }

    @Test
    void onceClosedAlwaysClosed() {
        flood(limit, START, Duration.ofSeconds(6));
        assertEquals(CLOSE, limit.check(START + Duration.ofHours(1).toNanos()),
                "even after a pause that refilled the bucket");
    }

    @Test
    void twiceTheRateIsRefusedEveryOtherMessageAndClosed() {
        for (int i = 0; i < 40; i++) {
            limit.check(START);
        }
        Verdict last = null;
        long t = 0;
        int refused = 0;
        while (last != CLOSE && t < 20_000) {
            t += 25; // 40 a second
            last = limit.check(START + t * MS);
            if (last == REFUSE) {
                refused++;
            }
        }
        assertEquals(CLOSE, last);
        assertEquals(5025, t, "closed 5 s after the first refusal at 25 ms");
        assertEquals(100, refused, "one refusal every 50 ms for 5 s");
    }

    @Test
    void aClientThatPausesWhenToldIsForgivenAndStartsAfresh() {
        long t = START;
        for (int round = 0; round < 20; round++) { // a minute and more of bursts, each told, each followed by a pause
            int refused = 0;
            for (int i = 0; i < 60; i++) {
                Verdict verdict = limit.check(t);
                assertEquals(true, verdict != CLOSE, "round " + round);
                if (verdict == REFUSE) {
                    refused++;
                }
                t += MS;
            }
            assertEquals(true, refused > 0, "each burst goes over the limit");
            t += MessageRateLimit.FORGIVE_AFTER.toNanos(); // the page slows down when told
        }
    }

    @Test
    void refusalsLessThanASecondApartAreOneFlood() {
        drain(limit, START);
        long t = START;
        Verdict verdict = REFUSE;
        int refusals = 0;
        while (verdict == REFUSE && refusals < 100) {
            t += 999 * MS; // a refused message every 999 ms, whatever the tokens earned meanwhile allowed
            verdict = drain(limit, t);
            refusals++;
        }
        assertEquals(CLOSE, verdict);
        assertEquals(6, refusals, "6 x 999 ms is the first refusal 5 s or more after the first");
    }

    @Test
    void refusalsASecondApartAreSeparateFloodsAndNeverClose() {
        drain(limit, START);
        for (int i = 1; i <= 60; i++) {
            assertEquals(REFUSE, drain(limit, START + i * MessageRateLimit.FORGIVE_AFTER.toNanos()), "flood " + i);
        }
    }

    @Test
    void zeroTurnsTheLimitOff() {
        MessageRateLimit off = forConfig(ChatConfig.from(Settings.of(Map.of("CHAT_RATE_LIMIT", "0"))));
        assertSame(MessageRateLimit.unlimited(), off);
        for (int i = 0; i < 100_000; i++) {
            assertEquals(ALLOW, off.check(START));
        }
    }

    @Test
    void eachSocketHasItsOwnBucket() {
        MessageRateLimit other = forConfig(ChatConfig.defaults());
        flood(limit, START, Duration.ofSeconds(6));
        assertEquals(ALLOW, other.check(START + Duration.ofSeconds(6).toNanos()));
    }

    /** One message a millisecond for {@code length}. */
    private static void flood(MessageRateLimit limit, long from, Duration length) {
        for (long t = 0; t <= length.toMillis(); t++) {
            limit.check(from + t * MS);
        }
    }

    /** Sends at {@code t} until a message is not allowed, and returns that message's verdict. */
    private static Verdict drain(MessageRateLimit limit, long t) {
        Verdict verdict;
        while ((verdict = limit.check(t)) == ALLOW) {
            // the tokens earned since the last call
        }
        return verdict;
    }
}
