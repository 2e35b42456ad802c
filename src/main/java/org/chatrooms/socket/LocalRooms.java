package org.chatrooms.socket;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.chatrooms.metrics.ChatMetrics;
import org.chatrooms.presence.Member;
import org.chatrooms.presence.PresenceEntry;
import org.chatrooms.presence.PresenceEvent;
import org.chatrooms.protocol.ChatCodec;
import org.chatrooms.protocol.NameSkeleton;
import org.chatrooms.protocol.ChatMessage;
import org.chatrooms.relay.Relay;
import org.chatrooms.relay.RelayListener;
import org.chatrooms.room.RoomName;

/**
 * The sockets of this node, by room, and the fan-out of relayed messages to them.
 *
 * <p>Threads: {@link #join} and {@link #leave} run on container threads (and the node's timer, for handshakes
 * that never opened). A room joins the relay when it gets its first socket and leaves it when its last socket
 * left; {@link ConcurrentHashMap#compute} serialises both per room, so the relay sees a room's joins and leaves in
 * order. {@link #onMessage}, {@link #onGap}, {@link #onNewEpoch} and {@link #onRoomEvent} (presence joins and
 * leaves) run on the relay's dispatch thread; each message is encoded once, and each socket only queues the frame
 * ({@link RoomSocket#deliver} never blocks). Each room also remembers the verified names present in it (from presence lists and events), for
 * the look-alike rule ({@link #imitatedVerifiedName}).
 */
public final class LocalRooms implements RelayListener {

    private static final Logger LOG = Logger.getLogger(LocalRooms.class.getName());

    private final ConcurrentHashMap<RoomName, Room> rooms = new ConcurrentHashMap<>();
    private final AtomicInteger sockets = new AtomicInteger();
    private final Relay relay;
    private final ChatCodec codec;
    private final ChatMetrics metrics;

    public LocalRooms(Relay relay, ChatCodec codec) {
        this(relay, codec, ChatMetrics.NONE);
    }

    public LocalRooms(Relay relay, ChatCodec codec, ChatMetrics metrics) {
        this.relay = relay;
        this.codec = codec;
        this.metrics = metrics;
    }

    /**
     * Adds a socket to its room; the stage completes when the relay delivers the room's messages here. From the
     * moment this returns, every message the relay delivers for the room reaches the socket.
     */
    public CompletionStage<Void> join(RoomSocket socket) {
        Room joined = rooms.compute(socket.room(), (name, existing) -> {
            Room target = existing != null ? existing : new Room(relay.join(name));
            if (target.members.add(socket)) {
                sockets.incrementAndGet();
            }
            return target;
        });
        return joined.subscribed;
    }

    /**
     * Removes a socket; an empty room disappears and the relay stops sending it here.
     *
     * @return whether it was in its room (false when it had left already)
     */
    public boolean leave(RoomSocket socket) {
        boolean[] removed = new boolean[1];
        rooms.computeIfPresent(socket.room(), (name, existing) -> {
            if (existing.members.remove(socket)) {
                sockets.decrementAndGet();
                removed[0] = true;
            }
            if (existing.members.isEmpty()) {
                relay.leave(name);
                return null;
            }
            return existing;
        });
        if (sockets.get() == 0) {
            synchronized (this) {
                notifyAll();
            }
        }
        return removed[0];
    }

    /** Sockets of {@code room} on this node, handshakes not yet opened included. */
    public int roomSize(RoomName room) {
        Room joined = rooms.get(room);
        return joined == null ? 0 : joined.members.size();
    }

    /**
     * Waits until every socket has left (after a shutdown asked them to close), at most {@code timeout}, so the
     * peers' close replies are handled while the application still runs.
     *
     * @return whether every socket left in time
     */
    public synchronized boolean awaitEmpty(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (sockets.get() > 0) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    @Override
    public void onMessage(ChatMessage message) {
        Room room = rooms.get(message.room());
        if (room == null) {
            return;
        }
        String frame = codec.encode(message);
        long now = System.nanoTime();
        for (RoomSocket socket : room.members) {
            try {
                socket.deliver(message, frame, now);
            } catch (RuntimeException e) {
                // One socket's failure must not cost the rest of the room this message.
                LOG.log(Level.WARNING, "Could not queue message " + message.id() + " for "
                        + socket.connection().id(), e);
            }
        }
    }

    @Override
    public void onGap(RoomName name) {
        metrics.relayDropped("gap");
        Room room = rooms.get(name);
        if (room == null) {
            return;
        }
        String frame = codec.encodeGap(name, "lost", "Some messages of this room could not reach this server "
                + "and are missing here. Reload to see the most recent ones.");
        for (RoomSocket socket : room.members) {
            try {
                socket.gap(frame);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Could not queue a gap notice for " + socket.connection().id(), e);
            }
        }
    }

    /** The room's stream restarted in {@code epoch} (dispatch thread): sockets still in an older one move on. */
    @Override
    public void onNewEpoch(RoomName name, String epoch) {
        Room room = rooms.get(name);
        if (room == null) {
            return;
        }
        for (RoomSocket socket : room.members) {
            try {
                socket.newEpoch(epoch);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Could not move " + socket.connection().id() + " to epoch " + epoch, e);
            }
        }
    }

    /**
     * A presence join or leave of the room (dispatch thread): encoded once, queued on every local socket, and
     * noted in the room's verified names.
     */
    @Override
    public void onRoomEvent(RoomName name, String event) {
        Room room = rooms.get(name);
        if (room == null) {
            return;
        }
        PresenceEvent change;
        try {
            change = PresenceEvent.decode(event);
        } catch (IllegalArgumentException e) {
            LOG.log(Level.FINE, "Ignoring a room event of " + name + " of another kind or version", e);
            return;
        }
        Member member = change.member();
        boolean joined = change.kind() == PresenceEvent.Kind.JOIN;
        if (member.verified()) {
            if (joined) {
                room.verified.put(member.user(), Boolean.TRUE);
            } else {
                room.verified.remove(member.user());
            }
        }
        String frame = codec.encodePresenceChange(name, joined, member.user(), member.verified());
        for (RoomSocket socket : room.members) {
            try {
                socket.roomEvent(frame);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Could not queue a presence change for " + socket.connection().id(), e);
            }
        }
    }

    /** Remembers the verified members of a presence list read for the room (seeds what events then update). */
    void noteVerified(RoomName name, List<PresenceEntry> entries) {
        Room room = rooms.get(name);
        if (room != null) {
            entries.stream().filter(PresenceEntry::verified).forEach(e -> room.verified.put(e.user(), Boolean.TRUE));
        }
    }

    /**
     * The verified name present in the room that {@code guestName} would pass for ({@link NameSkeleton}), if
     * any: as this node knows from the room's presence list and join and leave events.
     */
    Optional<String> imitatedVerifiedName(RoomName name, String guestName) {
        Room room = rooms.get(name);
        if (room == null) {
            return Optional.empty();
        }
        String skeleton = NameSkeleton.of(guestName);
        return room.verified.keySet().stream().filter(v -> NameSkeleton.of(v).equals(skeleton)).findFirst();
    }

    /** The rooms this node has sockets in (for the presence's reaping). */
    public Collection<RoomName> roomNames() {
        return List.copyOf(rooms.keySet());
    }

    public int roomCount() {
        return rooms.size();
    }

    /** Sockets in rooms, handshakes not yet opened included. */
    public int socketCount() {
        return sockets.get();
    }

    /** Every local socket, e.g. to close them all on shutdown. */
    public Collection<RoomSocket> allSockets() {
        return rooms.values().stream().flatMap(room -> room.members.stream()).toList();
    }

    /** A room joined here: its sockets, and when the relay started delivering its messages here. */
    private static final class Room {
        final Set<RoomSocket> members = ConcurrentHashMap.newKeySet();
        /** Verified names present in the room, over every node, as presence lists and events told this node. */
        final Map<String, Boolean> verified = new ConcurrentHashMap<>();
        final CompletionStage<Void> subscribed;

        Room(CompletionStage<Void> subscribed) {
            this.subscribed = subscribed;
        }
    }
}
