package org.chatrooms.socket;

import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.chatrooms.protocol.ChatCodec;
import org.chatrooms.protocol.ChatMessage;
import org.chatrooms.relay.Relay;
import org.chatrooms.relay.RelayListener;
import org.chatrooms.room.RoomName;

/**
 * The sockets of this node, by room, and the fan-out of relayed messages to them.
 *
 * <p>Threads: {@link #join} and {@link #leave} run on container threads. The first socket of a room joins the
 * relay and the last one to leave leaves it; {@link ConcurrentHashMap#compute} serialises both per room, so the
 * relay sees a room's joins and leaves in order. {@link #onMessage} runs on the relay's dispatch thread; it encodes
 * each message once and only queues the frame on each socket ({@link ClientConnection#send} never blocks).
 */
public final class LocalRooms implements RelayListener {

    private final ConcurrentHashMap<RoomName, Room> rooms = new ConcurrentHashMap<>();
    private final Relay relay;
    private final ChatCodec codec;

    public LocalRooms(Relay relay, ChatCodec codec) {
        this.relay = relay;
        this.codec = codec;
    }

    /** Adds a socket to its room; the stage completes when the relay delivers the room's messages here. */
    public CompletionStage<Void> join(RoomName room, ClientConnection client) {
        Room joined = rooms.compute(room, (name, existing) -> {
            Room target = existing != null ? existing : new Room(relay.join(name));
            target.members.add(client);
            return target;
        });
        return joined.subscribed;
    }

    /** Removes a socket; an empty room disappears and the relay stops sending it here. */
    public void leave(RoomName room, ClientConnection client) {
        rooms.computeIfPresent(room, (name, existing) -> {
            existing.members.remove(client);
            if (existing.members.isEmpty()) {
                relay.leave(name);
                return null;
            }
            return existing;
        });
        if (rooms.isEmpty()) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /**
     * Waits until every socket has left (after a shutdown asked them to close), at most {@code timeout}, so the
     * peers' close replies are handled while the application still runs.
     *
     * @return whether every socket left in time
     */
    public synchronized boolean awaitEmpty(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!rooms.isEmpty()) {
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
            client.send(frame);
        }
    }

    public int roomCount() {
        return rooms.size();
    }

    /** Every local socket, e.g. to close them all on shutdown. */
    public Collection<ClientConnection> allClients() {
        return rooms.values().stream().flatMap(room -> room.members.stream()).toList();
    }

    /** A room with sockets here: its members, and when the relay started delivering its messages here. */
    private static final class Room {
        final Set<ClientConnection> members = ConcurrentHashMap.newKeySet();
        final CompletionStage<Void> subscribed;

        Room(CompletionStage<Void> subscribed) {
            this.subscribed = subscribed;
        }
    }
}
