package org.chatrooms.bench.load;

import java.util.List;

/**
 * The sockets of one scenario: rooms of equal size spread over the target's nodes, the first sockets of each
 * room being its senders. Built and closed by {@link LoadClients}.
 */
public final class Population {

    private final List<Room> rooms;
    final List<LoadConnection> connections;
    /** Senders in schedule order: sender {@code g} is slot {@code g / rooms} of room {@code g % rooms}, so
     *  consecutive messages go to different rooms. */
    final LoadConnection[] senders;
    private final long opened;
    private final long refused;

    Population(List<Room> rooms, List<LoadConnection> connections, LoadConnection[] senders, long opened,
               long refused) {
        this.rooms = List.copyOf(rooms);
        this.connections = List.copyOf(connections);
        this.senders = senders;
        this.opened = opened;
        this.refused = refused;
    }

    public List<Room> rooms() {
        return rooms;
    }

    public int sockets() {
        return connections.size();
    }

    /** Sockets that completed the handshake. */
    public long opened() {
        return opened;
    }

    /** Sockets that failed to connect or were refused (not 101), or did not finish in time. */
    public long refused() {
        return refused;
    }

    public int senders() {
        return senders.length;
    }

    /** Sockets open right now. */
    public int openSockets() {
        return rooms.stream().mapToInt(Room::openSockets).sum();
    }
}
