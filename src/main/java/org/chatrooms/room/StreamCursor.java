package org.chatrooms.room;

import java.util.ArrayDeque;

/**
 * How far a reader (a socket, or a node's copy of a room) has got in a room's stream, deciding for each message
 * whether it is new: within an epoch a message at or before the cursor is a repeat; a message of a new epoch starts
 * over; a message of an epoch the reader has already left is stale (queued before Redis lost the stream, say) and
 * dropped, so the cursor never flips back and forth between two epochs. It also notices holes: ids have none within
 * an epoch, so a jump means messages were lost on their way.
 *
 * <p>Not thread-safe: its owner guards it.
 */
public final class StreamCursor {

    /** Epochs left behind, newest last; a few are plenty (an epoch changes when Redis loses a stream). */
    private static final int REMEMBERED_EPOCHS = 4;

    private StreamPosition position;
    /** Created when the cursor first leaves an epoch, which is rare: every socket has a cursor. */
    private ArrayDeque<String> leftEpochs;

    /** The last position given to the reader, or null before the first. */
    public StreamPosition position() {
        return position;
    }

    /** Whether a message at {@code next} would be new for the reader (neither a repeat nor stale). */
    public boolean isNew(StreamPosition next) {
        if (position == null) {
            return true;
        }
        if (position.epoch().equals(next.epoch())) {
            return next.id() > position.id();
        }
        return leftEpochs == null || !leftEpochs.contains(next.epoch());
    }

    /** Whether messages between the cursor and {@code next}, in the same epoch, never reached the reader. */
    public boolean isHoleBefore(StreamPosition next) {
        return position != null && position.epoch().equals(next.epoch()) && next.id() > position.id() + 1;
    }

    /**
     * Moves to {@code next} if it is new; returns whether it was. A move to another epoch leaves the old one behind
     * for good.
     */
    public boolean advance(StreamPosition next) {
        if (!isNew(next)) {
            return false;
        }
        moveTo(next);
        return true;
    }

    /** Sets the cursor (a catch-up read the stream up to {@code top}), leaving an older epoch behind. */
    public void moveTo(StreamPosition top) {
        if (position != null && !position.epoch().equals(top.epoch())) {
            if (leftEpochs == null) {
                leftEpochs = new ArrayDeque<>(REMEMBERED_EPOCHS);
            } else if (leftEpochs.size() == REMEMBERED_EPOCHS) {
                leftEpochs.removeFirst();
            }
            leftEpochs.addLast(position.epoch());
        }
        position = top;
    }
}
