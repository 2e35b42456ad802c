package org.chatrooms.relay;

import java.util.Optional;

import org.chatrooms.room.StreamPosition;

/**
 * Which part of a room's history to read: the messages after {@code since} (every held one, oldest first), or
 * without it the newest ones; at most {@code limit} either way. A {@code since} without an epoch means "in the
 * current epoch", for clients that only kept an id.
 *
 * @param sinceEpoch the epoch of {@code sinceId}; empty when the client did not say
 * @param sinceId    the last id the reader has; empty to read the newest messages
 * @param limit      most messages returned, 0 for none (the top position alone)
 */
public record HistoryFilter(Optional<String> sinceEpoch, Optional<Long> sinceId, int limit) {

    public HistoryFilter {
        if (limit < 0) {
            throw new IllegalArgumentException("negative history limit " + limit);
        }
        if (sinceEpoch.isPresent() && sinceId.isEmpty()) {
            throw new IllegalArgumentException("an epoch needs an id");
        }
    }

    /** The newest {@code limit} messages. */
    public static HistoryFilter latest(int limit) {
        return new HistoryFilter(Optional.empty(), Optional.empty(), limit);
    }

    /** Everything held after {@code position}, at most {@code limit}. */
    public static HistoryFilter after(StreamPosition position, int limit) {
        return new HistoryFilter(Optional.of(position.epoch()), Optional.of(position.id()), limit);
    }

    public boolean hasSince() {
        return sinceId.isPresent();
    }
}
