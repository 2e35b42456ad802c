package org.chatrooms.socket;

import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.chatrooms.protocol.ChatCodec;
import org.chatrooms.protocol.ChatMessage;
import org.chatrooms.relay.Relay;
import org.chatrooms.relay.RelayListener;
import org.chatrooms.room.RoomName;

/**
 * The sockets of this node, by room, and the fan-out of relayed messages to them.
 *
 * <p>Threads: {@link #hold}, {@link #join} and {@link #leave} run on container threads, hold releases on the
 * node's timer thread. A room joins the relay when it first gets a socket or a hold, and leaves it when its last
 * socket left and no hold remains; {@link ConcurrentHashMap#compute} serialises all of these per room, so the relay
 * sees a room's joins and leaves in order. {@link #onMessage} runs on the relay's dispatch thread; it encodes each
 * message once and only queues the frame on each socket ({@link ClientConnection#send} never blocks).
 *
 * <p>Why holds: a client learns it is connected from the handshake's 101, which containers send before
 * {@code @OnOpen} runs. Subscribing a room (a Redis round trip) only in {@code @OnOpen} would let messages sent
 * right after the 101 pass the new socket by. So the handshake filter holds the room, waiting for the relay
 * subscription, before the upgrade; the hold keeps the room subscribed until {@code @OnOpen} has joined (or the
 * handshake failed and the hold expired).
 */
public final class LocalRooms implements RelayListener {

    private static final Logger LOG = Logger.getLogger(LocalRooms.class.getName());

    private final ConcurrentHashMap<RoomName, Room> rooms = new ConcurrentHashMap<>();
    private final AtomicInteger sockets = new AtomicInteger();
    private final Relay relay;
    private final ChatCodec codec;
    private final ScheduledExecutorService timer;

    /** @param timer runs hold releases; its tasks only update the map */
    public LocalRooms(Relay relay, ChatCodec codec, ScheduledExecutorService timer) {
        this.relay = relay;
        this.codec = codec;
        this.timer = timer;
    }

    /**
     * Keeps {@code room} joined for {@code duration} even without sockets; the stage completes when the relay
     * delivers the room's messages here.
     */
    public CompletionStage<Void> hold(RoomName room, Duration duration) {
        Room held = rooms.compute(room, (name, existing) -> {
            Room target = existing != null ? existing : new Room(relay.join(name));
            target.holds++;
            return target;
        });
        try {
            timer.schedule(() -> release(room), duration.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            release(room); // the node is stopping
        }
        return held.subscribed;
    }

    private void release(RoomName room) {
        rooms.computeIfPresent(room, (name, existing) -> {
            existing.holds--;
            return dropIfUnused(name, existing);
        });
    }

    /** Adds a socket to its room; the stage completes when the relay delivers the room's messages here. */
    public CompletionStage<Void> join(RoomName room, ClientConnection client) {
        Room joined = rooms.compute(room, (name, existing) -> {
            Room target = existing != null ? existing : new Room(relay.join(name));
            if (target.members.add(client)) {
                sockets.incrementAndGet();
            }
            return target;
        });
        return joined.subscribed;
    }

    /** Removes a socket; an empty room disappears and the relay stops sending it here. */
    public void leave(RoomName room, ClientConnection client) {
        rooms.computeIfPresent(room, (name, existing) -> {
            if (existing.members.remove(client)) {
                sockets.decrementAndGet();
            }
            return dropIfUnused(name, existing);
        });
        if (sockets.get() == 0) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /** Called inside {@code compute}: the room's new mapping, null (after leaving the relay) once unused. */
    private Room dropIfUnused(RoomName name, Room room) {
        if (room.members.isEmpty() && room.holds <= 0) {
            relay.leave(name);
            return null;
        }
        return room;
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
        for (ClientConnection client : room.members) {
            try {
                client.send(frame);
            } catch (RuntimeException e) {
                // One socket's failure must not cost the rest of the room this message.
                LOG.log(Level.WARNING, "Could not queue message " + message.id() + " for " + client.id(), e);
            }
        }
    }

    public int roomCount() {
        return rooms.size();
    }

    /** Every local socket, e.g. to close them all on shutdown. */
    public Collection<ClientConnection> allClients() {
        return rooms.values().stream().flatMap(room -> room.members.stream()).toList();
    }

    /**
     * A room joined here: its sockets, the handshakes holding it, and when the relay started delivering its messages
     * here. {@code holds} is only touched inside {@code compute}, which locks the room's map entry.
     */
    private static final class Room {
        final Set<ClientConnection> members = ConcurrentHashMap.newKeySet();
        int holds;
        final CompletionStage<Void> subscribed;

        Room(CompletionStage<Void> subscribed) {
            this.subscribed = subscribed;
        }
    }
}
