package org.chatrooms.presence;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import org.chatrooms.room.RoomName;

/**
 * Who is in each room, over every node (centrifuge's {@code PresenceManager}): each connection counts under its
 * {@link Member}, and the presence announces a {@code join} when a member's first connection arrives in a room,
 * on any node, and a {@code leave} when its last one goes. Anonymous members are counted, never announced.
 *
 * <p>Guarantees, for every implementation:
 * <ul>
 *   <li>announcements travel as room events of the relay ({@link org.chatrooms.relay.RoomEvents},
 *       {@link org.chatrooms.relay.RelayListener#onRoomEvent}): every node that joined the room gets them on its
 *       dispatch thread, in order with the room's messages and with each other, in the order the presence
 *       changed; they are not numbered and not kept in the history;</li>
 *   <li>one node's calls take effect in the order they were made (a socket's join before its leave);</li>
 *   <li>{@link #list} reads every node's connections; entries of a node that died are not listed, and their
 *       members are announced as leaving within the implementation's ghost bound (docs/presence.md);</li>
 *   <li>no call blocks on the network: waiting happens on the returned stages, which fail when the presence
 *       cannot be reached.</li>
 * </ul>
 */
public interface Presence extends AutoCloseable {

    /** Begins its work (heartbeats); {@code hostedRooms} says which rooms this node has sockets in. */
    void start(Supplier<Collection<RoomName>> hostedRooms);

    /** One more connection of {@code member} in {@code room} on this node. */
    CompletionStage<Void> join(RoomName room, Member member);

    /** One connection of {@code member} in {@code room} on this node went. */
    CompletionStage<Void> leave(RoomName room, Member member);

    /** The room's members over every node, each once, with their connection counts. */
    CompletionStage<List<PresenceEntry>> list(RoomName room);

    /** Removes this node's entries (announcing their leaves) and stops its threads, within a bounded wait. */
    @Override
    void close();
}
