package org.chatrooms.socket;

import java.time.Duration;


/**
 * The per-socket message rate rule ({@code CHAT_RATE_LIMIT}, {@code CHAT_RATE_BURST}): what to do with the next
 * chat message a socket sent, given the time it arrived.
 * <ul>
 *   <li>{@link Verdict#ALLOW}: within the limit ({@link TokenBucket}): relay it;</li>
 *   <li>{@link Verdict#REFUSE}: over the limit: do not relay it, and tell the sender
 *       ({@code {"type":"error","code":"rate_limited",...}}), so nothing is dropped silently;</li>
 *   <li>{@link Verdict#CLOSE}: the socket has kept sending over the limit for {@link #CLOSE_AFTER} after being
 *       told: close it with 1008 (policy violation). Every later call says CLOSE too.</li>
 * </ul>
 * "Kept sending over the limit" means refusals without a pause: a flood starts with a refused message and goes on
 * while refused messages follow each other less than {@link #FORGIVE_AFTER} apart. A client that slows down when
 * told (the room page does) pauses that long as a matter of course, and its next flood, if any, starts afresh;
 * one that sends at twice the rate is refused every other message and closed after {@code CLOSE_AFTER}.
 *
 * <p>Not thread-safe, and needs not be: one instance per socket, called from that socket's message callback,
 * which the container runs for one message at a time. Costs a few arithmetic operations per message, no
 * allocation, no clock of its own (the caller passes {@link System#nanoTime}).
 */
public final class MessageRateLimit {

    public enum Verdict { ALLOW, REFUSE, CLOSE }

    public static final Duration CLOSE_AFTER = Duration.ofSeconds(5);
    public static final Duration FORGIVE_AFTER = Duration.ofSeconds(1);

    private static final MessageRateLimit UNLIMITED = new MessageRateLimit(null, CLOSE_AFTER, FORGIVE_AFTER);

    private final TokenBucket bucket;
    private final long closeAfterNanos;
    private final long forgiveAfterNanos;
    private boolean flooding;
    private long floodStart;
    private long lastRefusal;
    private boolean closed;

    private MessageRateLimit(TokenBucket bucket, Duration closeAfter, Duration forgiveAfter) {
        this.bucket = bucket;
        this.closeAfterNanos = closeAfter.toNanos();
        this.forgiveAfterNanos = forgiveAfter.toNanos();
    }

    /** A fresh limit for one new socket, as configured; {@link #unlimited()} when {@code CHAT_RATE_LIMIT} is 0. */
    public static MessageRateLimit forSocket(int rateLimit, int rateBurst) {
        return rateLimit > 0 ? perSecond(rateLimit, rateBurst) : UNLIMITED;
    }

    /** {@code perSecond} messages a second on average, {@code burst} at once, with the documented flood rule. */
    public static MessageRateLimit perSecond(int perSecond, int burst) {
        return new MessageRateLimit(new TokenBucket(perSecond, burst), CLOSE_AFTER, FORGIVE_AFTER);
    }

    /** Always {@link Verdict#ALLOW}; stateless, so one instance serves every socket. */
    public static MessageRateLimit unlimited() {
        return UNLIMITED;
    }

    /** The verdict for a message that arrived at {@code nowNanos}; call once per message, in arrival order. */
    public Verdict check(long nowNanos) {
        if (bucket == null) {
            return Verdict.ALLOW;
        }
        if (closed) {
            return Verdict.CLOSE;
        }
        if (bucket.tryTake(nowNanos)) {
            return Verdict.ALLOW;
        }
        if (!flooding || nowNanos - lastRefusal >= forgiveAfterNanos) {
            flooding = true;
            floodStart = nowNanos;
        }
        lastRefusal = nowNanos;
        if (nowNanos - floodStart >= closeAfterNanos) {
            closed = true;
            return Verdict.CLOSE;
        }
        return Verdict.REFUSE;
    }
}
