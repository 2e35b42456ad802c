package org.chatrooms.relay;

import java.time.Duration;

/**
 * How much of each room's stream a relay keeps: the newest {@code historySize} messages (0: none, the counter
 * only), and the whole stream (counter, epoch, history) until the room has had no message for {@code idleTtl};
 * after that the room starts a new epoch. Immutable.
 */
public record StreamRetention(int historySize, Duration idleTtl) {

    public static final int DEFAULT_HISTORY_SIZE = 50;
    public static final Duration DEFAULT_IDLE_TTL = Duration.ofDays(1);
    public static final StreamRetention DEFAULT = new StreamRetention(DEFAULT_HISTORY_SIZE, DEFAULT_IDLE_TTL);

    public StreamRetention {
        if (historySize < 0) {
            throw new IllegalArgumentException("CHAT_HISTORY_SIZE must not be negative, not " + historySize);
        }
        if (idleTtl.isNegative() || idleTtl.isZero()) {
            throw new IllegalArgumentException("CHAT_HISTORY_TTL must be positive, not " + idleTtl.toSeconds());
        }
    }
}
