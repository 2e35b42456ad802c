package org.chatrooms.relay.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.chatrooms.protocol.ChatMessage;
import org.chatrooms.protocol.ChatPost;
import org.chatrooms.room.RoomName;
import org.junit.jupiter.api.Test;

/** The verified flag between servers: only a container-authenticated sender's payload carries it. */
class RedisPayloadTest {

    private static final RoomName ROOM = RoomName.parse("2330").orElseThrow();

    @Test
    void verifiedFlagTravelsAndAGuestsPayloadHasNone() {
        String verified = RedisPayload.unnumbered(new ChatPost(ROOM, "alice", "hi", "c1", true));
        String guest = RedisPayload.unnumbered(new ChatPost(ROOM, "alice", "hi", "c1"));
        assertEquals("{\"u\":\"alice\",\"m\":\"hi\",\"c\":\"c1\",\"v\":true}", verified);
        assertFalse(guest.contains("\"v\""), guest);
        ChatMessage read = RedisPayload.decode(ROOM, "3f9a0c2b71de 17 1795636963074 " + verified);
        assertTrue(read.verified());
        assertFalse(RedisPayload.decode(ROOM, "3f9a0c2b71de 18 1795636963074 " + guest).verified());
        // A payload of an older server (no "v") is a guest's.
        assertFalse(RedisPayload.decode(ROOM, "3f9a0c2b71de 19 1795636963074 {\"u\":\"x\",\"m\":\"y\"}").verified());
    }

    /** What publish.lua searches a resend's original by must be in the payload as written, escapes included. */
    @Test
    void theClientIdMemberIsFoundVerbatimInThePayload() {
        for (String cid : java.util.List.of("k2x9-17", "a\"b", "back\\slash", "}{:,")) {
            String payload = RedisPayload.unnumbered(new ChatPost(ROOM, "安妮", "m \"c\":\"" + cid, cid));
            String member = RedisPayload.clientIdMember(cid);
            assertTrue(member.startsWith("\"c\":\""), member);
            assertTrue(payload.contains(member), payload + " lacks " + member);
        }
    }
}
