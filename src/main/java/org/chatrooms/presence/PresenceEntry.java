package org.chatrooms.presence;

/** One name in a room's presence list, over every node: how many connections it has there. */
public record PresenceEntry(String user, boolean verified, int connections) {

    public Member member() {
        return new Member(user, verified);
    }
}
