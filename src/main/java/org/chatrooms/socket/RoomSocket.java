package org.chatrooms.socket;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;

import org.chatrooms.metrics.ChatMetrics;
import org.chatrooms.presence.Member;
import org.chatrooms.protocol.ChatCodec;
import org.chatrooms.protocol.ChatMessage;
import org.chatrooms.relay.History;
import org.chatrooms.relay.HistoryFilter;
import org.chatrooms.room.RoomName;
import org.chatrooms.room.StreamCursor;
import org.chatrooms.room.StreamPosition;

/**
 * One socket in one room: where it is in the room's stream, and its {@link ClientConnection}. It joins its room
 * during the handshake, before the 101, and catches up from the history while live messages already arrive
 * (docs/streams.md): those are buffered until the history is queued, then the ones the history did not have
 * follow. From then on its cursor, the last position it was given, filters repeats, so the client gets every
 * message of the room once, in order, from its start position on.
 *
 * <p>Threads: the relay's dispatch thread calls {@link #deliver}, {@link #gap} and {@link #newEpoch}; the thread
 * that completes a post's publish {@link #numbered} (Redis: the relay's publisher; in memory: the container thread
 * of the post); the handshake's container thread
 * {@link #catchUp}; the node's timer {@link #expireUnopened}; {@code @OnOpen} {@link #open}. All state
 * is guarded by {@code this}. Frames are queued on the connection under that lock, which is what keeps history,
 * buffered and live frames in order; {@link ClientConnection#send} never blocks and takes only the connection's
 * own lock, so no thread waits on a peer here.
 */
public final class RoomSocket {

    private static final String LOST = "This message may not have reached everyone: the chat server accepted it, "
            + "but it was lost on the way (Redis failed over or restarted). Please send it again.";
    private static final String UNCONFIRMED = "This message could not be confirmed: too many of your messages are "
            + "on their way. It may not have reached everyone.";

    private final RoomName room;
    private final String address;
    private final ClientConnection connection;
    private final ChatCodec codec;
    private final ChatMetrics metrics;
    private final long maxBufferedChars;
    private boolean catchingUp = true;
    private long bufferedChars;
    /** What arrived live while catching up, in order: messages, gap notices, new-epoch announcements. */
    private List<Pending> buffered = new ArrayList<>();
    /** Where this client is in the stream: what it was given last; empty until the catch-up set it. */
    private final StreamCursor cursor = new StreamCursor();
    /** This socket's posts the relay numbered whose echo it was not given yet. */
    private final UnechoedPosts unechoed = new UnechoedPosts();
    private boolean opened;
    private boolean expired;
    /** The connection's name: its messages are sent under it, and its presence entry counts under it. */
    private volatile Member name = Member.ANONYMOUS;
    /** Whether this socket was counted in its room's presence (and so must be taken out when it leaves). */
    private volatile boolean inPresence;

    /**
     * @param maxBufferedChars characters of live frames that may wait for the catch-up; more means a client too
     *                         slow to join (the same bound as its send queue)
     */
    public RoomSocket(RoomName room, ClientConnection connection, ChatCodec codec, long maxBufferedChars) {
        this(room, null, connection, codec, maxBufferedChars, ChatMetrics.NONE);
    }

    /** @param address the client's address ({@link ClientAddress}), for the per-address cap; null when unknown */
    public RoomSocket(RoomName room, String address, ClientConnection connection, ChatCodec codec,
                      long maxBufferedChars, ChatMetrics metrics) {
        this.room = room;
        this.address = address;
        this.metrics = metrics;
        this.connection = connection;
        this.codec = codec;
        this.maxBufferedChars = maxBufferedChars;
    }

    public RoomName room() {
        return room;
    }

    public ClientConnection connection() {
        return connection;
    }

    /** The connection's name ({@code ?user=}, the principal, or the last name its messages used). */
    public Member name() {
        return name;
    }

    /** Container thread (the handshake, or this socket's frames): the connection now goes by {@code member}. */
    public void rename(Member member) {
        this.name = member;
    }

    /** Whether this socket counts in its room's presence. */
    public boolean inPresence() {
        return inPresence;
    }

    void enteredPresence() {
        inPresence = true;
    }

    /** The client's address, or null when the handshake did not say. */
    public String address() {
        return address;
    }

    /**
     * A live message of the room (dispatch thread); {@code frame} is its encoding, shared by the room, and
     * {@code nowNanos} the fan-out's time.
     */
    public synchronized void deliver(ChatMessage message, String frame, long nowNanos) {
        if (catchingUp) {
            buffer(new Pending(message.position(), frame));
        } else {
            sendIfNew(message.position(), frame, nowNanos);
        }
    }

    /**
     * The end-to-end check: ids have no holes within an epoch, so a jump past the cursor means messages were lost
     * on their way to this socket, whatever lost them; the client is told before the message that shows it.
     */
    private void sendIfNew(StreamPosition position, String frame, long nowNanos) {
        StreamPosition before = cursor.position();
        if (cursor.isHoleBefore(position)) {
            connection.send(gapFrame("lost", "Some messages of this room could not reach you and are missing "
                    + "here. Reload to see the most recent ones."), nowNanos);
        }
        if (cursor.advance(position)) {
            // Moved off an epoch that the catch-up read had reached without leaving it (StreamCursor): the stream
            // may still go on there, so it is not recorded as skipped to its end.
            boolean keptAhead = before != null && !before.epoch().equals(position.epoch())
                    && !cursor.hasLeft(before.epoch());
            if (!follows(before, position)) {
                unechoed.skipped(keptAhead ? null : before, position, true);
            }
            if (!unechoed.isEmpty()) {
                // Told before the message that shows it, like the gap notice.
                tellLost(unechoed.delivered(position, cursor), LOST, "lost_in_relay");
                if (keptAhead) {
                    // Their echoes no longer come in order, and if the read's epoch was the older one they never
                    // come: the sender is told, at worst a false alarm followed by the echo.
                    tellLost(unechoed.awaitedIn(before.epoch()), LOST, "lost_in_relay");
                }
            }
            connection.send(frame, nowNanos);
        }
    }

    private static boolean follows(StreamPosition before, StreamPosition next) {
        return before != null && before.epoch().equals(next.epoch()) && next.id() == before.id() + 1;
    }

    /**
     * The relay numbered one of this socket's posts (the thread that completed the publish): it is awaited until
     * its echo is delivered here; if the cursor already skipped its place, its sender is told now
     * ({@link UnechoedPosts}).
     */
    public synchronized void numbered(ChatMessage message) {
        UnechoedPosts.Post post = new UnechoedPosts.Post(message.position(), message.clientId());
        switch (unechoed.numbered(post, cursor)) {
            case LOST -> tellLost(List.of(post), LOST, "lost_in_relay");
            case AWAITED -> {
                UnechoedPosts.Post oldest = unechoed.overflow();
                if (oldest != null) {
                    tellLost(List.of(oldest), UNCONFIRMED, "unconfirmed");
                }
            }
            case ECHOED_ALREADY -> {
            }
        }
    }

    /**
     * The room's live stream restarted in {@code epoch} (dispatch thread: announced before the new epoch's first
     * message, or after a catch-up read found it holding nothing yet): a cursor still in an earlier epoch moves
     * into the new one (at its place there if its catch-up read had reached it, else at its start), since what it
     * lacks of the old one will never come, and the posts awaited there were lost. Messages of the new epoch still
     * on their way are delivered as usual. While catching up, the announcement waits in order with the messages.
     */
    public synchronized void newEpoch(String epoch) {
        if (catchingUp) {
            buffer(Pending.newEpoch(epoch));
            return;
        }
        StreamPosition before = cursor.position();
        Map<String, Long> ahead = cursor.aheadPlaces();
        StreamPosition start = cursor.enterEpoch(epoch);
        if (start == null) {
            return; // in it already (the catch-up read found it), or left behind: a late announcement
        }
        unechoed.skipped(before, start, false);
        // Epochs only the catch-up read knew are left too: a reply that arrives late for one is a lost post.
        ahead.forEach((left, place) -> {
            if (!left.equals(epoch)) {
                unechoed.endedAfter(new StreamPosition(left, place));
            }
        });
        tellLost(unechoed.passed(cursor), LOST, "lost_in_relay");
    }

    private void tellLost(List<UnechoedPosts.Post> posts, String text, String reason) {
        for (UnechoedPosts.Post post : posts) {
            metrics.messageRefused(reason);
            connection.send(codec.encodeError("not_delivered", text, post.clientId()));
        }
    }

    /** The room lost messages on their way to this node (dispatch thread); {@code frame} says so. */
    public synchronized void gap(String frame) {
        if (catchingUp) {
            buffer(new Pending(null, frame));
        } else {
            connection.send(frame);
        }
    }

    /**
     * A room event's frame (dispatch thread): a presence join or leave. Not positioned: while catching up it
     * waits behind the history and the presence list, like a gap notice.
     */
    public synchronized void roomEvent(String frame) {
        gap(frame);
    }

    public synchronized void catchUp(History history, HistoryFilter asked) {
        catchUp(history, asked, null);
    }

    /**
     * The history read for this socket's start (handshake thread): queues a gap notice when the client asked to
     * resume and not all it lacks is held, then the history, then the room's presence list ({@code presenceFrame},
     * null when it could not be read), then the buffered live frames newer than it.
     */
    public synchronized void catchUp(History history, HistoryFilter asked, String presenceFrame) {
        if (asked.hasSince()) {
            metrics.clientRecovered(history.complete());
        }
        if (asked.hasSince() && !history.complete()) {
            boolean otherEpoch = asked.sinceEpoch().map(epoch -> !epoch.equals(history.top().epoch())).orElse(false);
            connection.send(otherEpoch
                    ? gapFrame("other_epoch", "The conversation was restarted since you were last here; "
                    + "messages may be missing. Showing the most recent ones.")
                    : gapFrame("too_old", "Some messages were missed while you were away and are no longer "
                    + "kept. Showing the most recent ones."));
        }
        for (ChatMessage message : history.messages()) {
            connection.send(codec.encodeHistory(message));
        }
        cursor.readTo(history.top());
        if (presenceFrame != null) {
            connection.send(presenceFrame);
        }
        finishCatchUp();
    }

    public synchronized void catchUpFailed(HistoryFilter asked) {
        catchUpFailed(asked, null);
    }

    /** The history could not be read (handshake thread): says so to a resuming client, then goes live. */
    public synchronized void catchUpFailed(HistoryFilter asked, String presenceFrame) {
        if (asked.hasSince()) {
            metrics.clientRecovered(false);
            connection.send(gapFrame("unavailable", "Earlier messages could not be loaded right now; "
                    + "some may be missing."));
        }
        if (presenceFrame != null) {
            connection.send(presenceFrame);
        }
        finishCatchUp();
    }

    /**
     * The container opened the socket: frames queued so far are written. False when the handshake took so long
     * that the socket was already dropped from its room ({@link #expireUnopened}).
     */
    public boolean open(ClientConnection.Peer peer) {
        synchronized (this) {
            if (expired) {
                return false;
            }
            opened = true;
        }
        connection.attach(peer);
        return true;
    }

    /** Timer thread: true (and from now on unopenable) when the container never opened this socket. */
    public synchronized boolean expireUnopened() {
        if (!opened) {
            expired = true;
        }
        return expired;
    }

    private void buffer(Pending pending) {
        if (bufferedChars + pending.frame.length() <= maxBufferedChars) {
            buffered.add(pending);
            bufferedChars += pending.frame.length();
        } else {
            // It will resume from its position when it reconnects: nothing is lost, the room is not slowed.
            catchingUp = false;
            buffered = List.of();
            connection.close(new CloseReason(CloseCodes.TRY_AGAIN_LATER, "Too slow: messages were piling up"));
        }
    }

    private void finishCatchUp() {
        if (!catchingUp) {
            return;
        }
        catchingUp = false;
        long now = System.nanoTime();
        List<Pending> arrived = buffered;
        buffered = List.of();
        for (Pending pending : arrived) {
            if (pending.epoch != null) {
                newEpoch(pending.epoch);
            } else if (pending.position == null) {
                connection.send(pending.frame, now);
            } else {
                sendIfNew(pending.position, pending.frame, now);
            }
        }
    }

    private String gapFrame(String code, String text) {
        return codec.encodeGap(room, code, text);
    }

    /**
     * What arrived live while catching up, kept in arrival order: a message at its position, a gap notice (no
     * position), or the announcement of a new epoch (no frame).
     */
    private record Pending(StreamPosition position, String frame, String epoch) {
        Pending(StreamPosition position, String frame) {
            this(position, frame, null);
        }

        static Pending newEpoch(String epoch) {
            return new Pending(null, "", epoch);
        }
    }
}
