package org.chatrooms.bench.load;

import java.util.Arrays;
import java.util.BitSet;

/**
 * What one socket received of the current step, per sender of its room: which sequence numbers (for duplicates)
 * and the highest one (for order). Owned by the socket's selector thread.
 */
final class Receipts {

    enum Outcome { FIRST, OUT_OF_ORDER, DUPLICATE }

    private final BitSet[] seen;
    private final int[] highest;
    private int step = -1;

    Receipts(int senders) {
        seen = new BitSet[senders];
        highest = new int[senders];
    }

    Outcome record(int stepId, int slot, int seq) {
        if (stepId != step) {
            step = stepId;
            Arrays.fill(highest, -1);
            for (BitSet set : seen) {
                if (set != null) {
                    set.clear();
                }
            }
        }
        if (slot < 0 || slot >= seen.length) {
            throw new IllegalArgumentException("no sender " + slot + " in this room");
        }
        BitSet set = seen[slot];
        if (set == null) {
            set = seen[slot] = new BitSet();
        }
        if (set.get(seq)) {
            return Outcome.DUPLICATE;
        }
        set.set(seq);
        if (seq < highest[slot]) {
            return Outcome.OUT_OF_ORDER;
        }
        highest[slot] = seq;
        return Outcome.FIRST;
    }
}
