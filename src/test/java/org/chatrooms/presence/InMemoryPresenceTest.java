package org.chatrooms.presence;

import org.chatrooms.relay.InMemoryRelay;
import org.chatrooms.relay.RoomEvents;

/** The presence contract for one node without Redis. */
class InMemoryPresenceTest extends PresenceContractTest {

    @Override
    protected Node startNode() {
        return new Node(new InMemoryRelay(), relay -> new InMemoryPresence((RoomEvents) relay));
    }
}
