package org.chatrooms.bench.load;

import java.util.concurrent.atomic.AtomicInteger;

/** One chat room of a population: its name, how many of its sockets send, and how many are open right now. */
public final class Room {

    private final String name;
    private final int senders;
    final AtomicInteger open = new AtomicInteger();

    Room(String name, int senders) {
        this.name = name;
        this.senders = senders;
    }

    public String name() {
        return name;
    }

    public int senders() {
        return senders;
    }

    public int openSockets() {
        return open.get();
    }
}
