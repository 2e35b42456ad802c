package org.chatrooms.room;

import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How far a reader (a socket, or a node's copy of a room) has got in a room's stream, deciding for each message
 * whether it is new: within an epoch a message at or before the cursor is a repeat; a message of a new epoch starts
 * over; a message of an epoch the reader has already left is stale (queued before Redis lost the stream, say) and
 * dropped, so the cursor never flips back and forth between two epochs. It also notices holes: ids have none within
 * an epoch, so a jump means messages were lost on their way.
 *
 * <p>Epoch tokens carry no order; the live stream does. Moving with a live message from one epoch to another
 * ({@link #advance}) or being told the live stream is in a new one ({@link #enterEpoch}) leaves the earlier epoch
 * for good. A read ({@link #readTo}: the history a socket catches up from) proves no order: it may reach a Redis that
 * already started a new epoch while the live stream still brings the old one's last messages. So the first live
 * message of another epoch after a read moves the cursor without leaving the read's epoch: the cursor remembers the
 * reader's place there, and when the live stream gets there, what the read gave is not given again and what follows
 * is. Before this rule, such a socket flipped back to the old epoch and then dropped every later message as stale.
 *
 * <p>Not thread-safe: its owner guards it.
 */
public final class StreamCursor {

    /** Epochs remembered, left ones and possible ones each; a few are plenty (an epoch changes when Redis loses a stream). */
    private static final int REMEMBERED_EPOCHS = 4;

    private StreamPosition position;
    /** Whether {@link #position} came from a read and no live message or announcement moved the cursor since. */
    private boolean positionFromRead;
    /** Epochs left behind, newest last. Created when the cursor first leaves one, which is rare: every socket has a cursor. */
    private ArrayDeque<String> leftEpochs;
    /** Epochs a read took the reader into and the live stream has not reached yet, with its place in each; rarer still. */
    private Map<String, Long> aheadEpochs;

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
        if (leftEpochs != null && leftEpochs.contains(next.epoch())) {
            return false;
        }
        Long placeThere = aheadEpochs == null ? null : aheadEpochs.get(next.epoch());
        return placeThere == null || next.id() > placeThere;
    }

    /** The epochs a read took the reader into that the live stream has not reached, with its place in each. */
    public Map<String, Long> aheadPlaces() {
        return aheadEpochs == null ? Map.of() : Map.copyOf(aheadEpochs);
    }

    /** Whether the reader left {@code epoch} for good (the live stream moved on from it). */
    public boolean hasLeft(String epoch) {
        return leftEpochs != null && leftEpochs.contains(epoch);
    }

    /** Whether messages between the cursor and {@code next}, in the same epoch, never reached the reader. */
    public boolean isHoleBefore(StreamPosition next) {
        return position != null && position.epoch().equals(next.epoch()) && next.id() > position.id() + 1;
    }

    /**
     * A live message at {@code next}: moves there if it is new and returns whether it was. Moving to another epoch
     * leaves the one the cursor was in, unless a read took it there (see the class comment).
     */
    public boolean advance(StreamPosition next) {
        if (!isNew(next)) {
            return false;
        }
        if (position != null && !position.epoch().equals(next.epoch())) {
            if (positionFromRead) {
                rememberAhead(position);
            } else {
                leave(position.epoch());
            }
        }
        moveTo(next);
        return true;
    }

    /**
     * The live stream is in {@code epoch} from now on (the relay announces a room's new epoch before its first
     * message): every other epoch is over. The reader moves into it, at its place there if a read had taken it
     * there, else before its first message. Returns the new position, or null when the reader is in that epoch
     * already or has left it (a late announcement).
     */
    public StreamPosition enterEpoch(String epoch) {
        if (position != null && position.epoch().equals(epoch)) {
            positionFromRead = false;
            return null;
        }
        if (leftEpochs != null && leftEpochs.contains(epoch)) {
            return null;
        }
        Long placeThere = aheadEpochs == null ? null : aheadEpochs.get(epoch);
        if (position != null) {
            leave(position.epoch());
        }
        if (aheadEpochs != null) {
            for (String ahead : Map.copyOf(aheadEpochs).keySet()) {
                if (!ahead.equals(epoch)) {
                    leave(ahead);
                }
            }
        }
        StreamPosition start = new StreamPosition(epoch, placeThere == null ? 0 : placeThere);
        moveTo(start);
        return start;
    }

    /** A read gave the reader the stream up to {@code top} (a catch-up); it proves no order (see the class comment). */
    public void readTo(StreamPosition top) {
        if (position != null && !position.epoch().equals(top.epoch())) {
            leave(position.epoch());
        }
        moveTo(top);
        positionFromRead = true;
    }

    private void moveTo(StreamPosition next) {
        if (aheadEpochs != null) {
            aheadEpochs.remove(next.epoch());
        }
        position = next;
        positionFromRead = false;
    }

    private void leave(String epoch) {
        if (aheadEpochs != null) {
            aheadEpochs.remove(epoch);
        }
        if (leftEpochs == null) {
            leftEpochs = new ArrayDeque<>(REMEMBERED_EPOCHS);
        } else if (leftEpochs.contains(epoch)) {
            return;
        } else if (leftEpochs.size() == REMEMBERED_EPOCHS) {
            leftEpochs.removeFirst();
        }
        leftEpochs.addLast(epoch);
    }

    private void rememberAhead(StreamPosition place) {
        if (aheadEpochs == null) {
            aheadEpochs = new LinkedHashMap<>();
        } else if (aheadEpochs.size() == REMEMBERED_EPOCHS) {
            aheadEpochs.remove(aheadEpochs.keySet().iterator().next());
        }
        aheadEpochs.put(place.epoch(), place.id());
    }
}
