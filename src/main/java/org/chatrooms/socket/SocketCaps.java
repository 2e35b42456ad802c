package org.chatrooms.socket;

import java.util.Optional;

/**
 * The caps on sockets ({@code CHAT_MAX_SOCKETS} per node, {@code CHAT_MAX_SOCKETS_PER_ADDRESS},
 * {@code CHAT_MAX_ROOM_SOCKETS} per room on this node; 0 turns one off), checked by the handshake filter before
 * the upgrade so the refused client gets a readable HTTP answer. The counts are read without a lock, so handshakes
 * in flight at the same moment may pass one cap by as many as there are of them: a cap bounds memory and abuse,
 * it is not an exact quota. Immutable.
 */
public record SocketCaps(int perNode, int perAddress, int perRoom) {

    /** A refusal: the HTTP status and the text of the answer. */
    public record Refusal(int status, String text) {
    }

    Optional<Refusal> check(int nodeSockets, int addressSockets, int roomSockets) {
        if (perNode > 0 && nodeSockets >= perNode) {
            return Optional.of(new Refusal(503, "This chat server is full (CHAT_MAX_SOCKETS). Try again later."));
        }
        if (perAddress > 0 && addressSockets >= perAddress) {
            return Optional.of(new Refusal(429,
                    "Too many chat connections from your address (CHAT_MAX_SOCKETS_PER_ADDRESS)."));
        }
        if (perRoom > 0 && roomSockets >= perRoom) {
            return Optional.of(new Refusal(503, "This room is full on this server (CHAT_MAX_ROOM_SOCKETS)."));
        }
        return Optional.empty();
    }
}
