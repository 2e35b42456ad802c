package org.chatrooms.relay;

import org.chatrooms.protocol.ChatMessage;

/**
 * Receives every message of the rooms this node joined, including the ones this node published.
 *
 * <p>Threading: a relay calls its listener from one dispatch thread of its own, in the room's order. The listener
 * must not block that thread (no socket writes that wait, no locks held by slow code): every room of the node
 * waits behind it.
 */
@FunctionalInterface
public interface RelayListener {

    void onMessage(ChatMessage message);
}
