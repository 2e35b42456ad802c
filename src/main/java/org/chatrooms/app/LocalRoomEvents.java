package org.chatrooms.app;

import java.util.logging.Level;
import java.util.logging.Logger;

import org.chatrooms.relay.RelayListener;
import org.chatrooms.relay.RoomEvents;
import org.chatrooms.room.RoomName;

/**
 * Room events (presence joins and leaves) for this node's own sockets only: what presence uses in Redis Sentinel
 * and Cluster mode, where it cannot yet reach the other nodes (docs/presence.md). Events are handed to the node's
 * listener on the announcing thread; the listener only queues frames, so that never blocks. Thread-safe.
 */
final class LocalRoomEvents implements RoomEvents {

    private static final Logger LOG = Logger.getLogger(LocalRoomEvents.class.getName());

    private volatile RelayListener listener;

    /** The node's listener, once it exists (the node is built with this already in its presence). */
    void deliverTo(RelayListener nodeListener) {
        this.listener = nodeListener;
    }

    @Override
    public void announce(RoomName room, String event) {
        RelayListener target = listener;
        if (target == null) {
            return;
        }
        try {
            target.onRoomEvent(room, event);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not hand a room event of " + room + " to the node's sockets", e);
        }
    }
}
