package org.chatrooms.room;

import java.util.Objects;

/**
 * A place in a room's stream: {@code id} counts the room's messages within one {@code epoch}. An epoch is one
 * unbroken life of the stream; when the relay lost or could not trust the stream (a new room, an expired one, a
 * restarted node, Redis restarted or restored from an older snapshot), it starts a new epoch and ids start over,
 * so a position from an older epoch is recognised as stale instead of being trusted. Immutable.
 *
 * @param epoch the stream's epoch, an opaque token
 * @param id    the last message's id at this position; 0 before the epoch's first message
 */
public record StreamPosition(String epoch, long id) {

    public StreamPosition {
        Objects.requireNonNull(epoch);
        if (id < 0) {
            throw new IllegalArgumentException("negative stream id " + id);
        }
    }

    @Override
    public String toString() {
        return epoch + ":" + id;
    }
}
