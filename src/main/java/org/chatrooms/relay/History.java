package org.chatrooms.relay;

import java.util.List;

import org.chatrooms.protocol.ChatMessage;
import org.chatrooms.room.StreamPosition;

/**
 * What a history read found: the stream's position when it was read, the held messages the filter asked for
 * (oldest first, all in {@code top}'s epoch), and whether they are everything after the filter's {@code since}.
 * Immutable.
 *
 * @param top      the room's last position when the history was read (id 0 before its first message)
 * @param messages held messages, oldest first, each at most {@code top}
 * @param complete false when messages after {@code since} are no longer all held (too old, history off, or a
 *                 different epoch): the reader missed some and must be told. Always true without a {@code since}.
 */
public record History(StreamPosition top, List<ChatMessage> messages, boolean complete) {

    public History {
        messages = List.copyOf(messages);
    }

    /** The history of a room without a stream (never posted to, or expired): nothing held, top id 0, no epoch. */
    public static History none(HistoryFilter filter) {
        StreamPosition top = new StreamPosition(NO_EPOCH, 0);
        return new History(top, List.of(), slice(top, 1, filter).complete());
    }

    /** The epoch of {@link #none}: no stream yet; the room's first message starts a real one. */
    public static final String NO_EPOCH = "";

    /**
     * The part of the held messages (newest {@code held}, ending at {@code top}, ids without holes) that
     * {@code filter} asks for. Both relays answer with this, so they agree on every edge.
     *
     * @param firstHeldId id of the oldest held message ({@code top.id() + 1} when none is held)
     * @return index range {@code [from, held size)} into the held messages, and completeness
     */
    public static Slice slice(StreamPosition top, long firstHeldId, HistoryFilter filter) {
        long heldCount = top.id() - firstHeldId + 1;
        if (!filter.hasSince()) {
            return new Slice(Math.max(0, heldCount - filter.limit()), true);
        }
        long since = filter.sinceId().orElseThrow();
        boolean sameEpoch = filter.sinceEpoch().map(top.epoch()::equals).orElse(true);
        if (!sameEpoch || since > top.id()) {
            // Another life of the stream (or an id it never reached): the reader's position means nothing here.
            return new Slice(Math.max(0, heldCount - filter.limit()), false);
        }
        long from = Math.max(since + 1, firstHeldId) - firstHeldId;
        boolean complete = since + 1 >= firstHeldId;
        long newestAllowed = Math.max(from, heldCount - filter.limit());
        return new Slice(newestAllowed, complete && newestAllowed == from);
    }

    /** Index of the first held message to return, and whether nothing the reader lacks is left out. */
    public record Slice(long from, boolean complete) {
    }
}
