package org.chatrooms.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The room event text between servers, as Java writes it and as the Redis reap script's cjson does. */
class PresenceEventTest {

    @Test
    void roundTrips() {
        for (PresenceEvent event : new PresenceEvent[] {PresenceEvent.join(new Member("王小明", false)),
                PresenceEvent.leave(new Member("alice", true))}) {
            assertEquals(event, PresenceEvent.decode(event.encode()));
        }
    }

    @Test
    void readsWhatLuaCjsonWrites() {
        assertEquals(PresenceEvent.leave(new Member("bob", false)),
                PresenceEvent.decode("{\"u\":\"bob\",\"v\":false,\"t\":\"leave\"}"));
        assertEquals(PresenceEvent.leave(new Member("a\"b", true)),
                PresenceEvent.decode("{\"v\":true,\"t\":\"leave\",\"u\":\"a\\\"b\",\"later\":[1]}"));
    }

    @Test
    void refusesOtherEvents() {
        assertThrows(IllegalArgumentException.class, () -> PresenceEvent.decode("{\"t\":\"typing\",\"u\":\"bob\"}"));
        assertThrows(IllegalArgumentException.class, () -> PresenceEvent.decode("3f9a 1 2 {}"));
    }
}
