package org.chatrooms.socket;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import org.chatrooms.room.StreamCursor;
import org.chatrooms.room.StreamPosition;

/**
 * One socket's own posts that the relay numbered but whose echo the socket has not been given yet, and the stretches
 * of the stream its cursor skipped without delivering them (docs/streams.md, "The sender's echo"). An awaited post
 * whose position the cursor can no longer reach was lost on the way: a Redis that replied and then died before the
 * message reached anyone, or before a replica had it. The socket tells its sender.
 *
 * <p>Posts are numbered in the order they were sent and delivered in id order, so the awaited ones are kept in
 * stream order: the oldest is the first to be echoed, or to be known lost.
 *
 * <p>Not thread-safe: its {@link RoomSocket} guards it (the publisher thread that completes a post and the
 * dispatch thread that delivers both hold the socket's lock).
 */
final class UnechoedPosts {

    /** Posts awaited at once; a socket with more in flight than this has its oldest reported as not confirmed. */
    static final int MAX_AWAITED = 1024;
    /** Skipped stretches remembered, for a reply that arrives after its echo's place was skipped. */
    private static final int REMEMBERED_SKIPS = 8;

    /** Created with this socket's first post: most sockets never post, and an empty deque is about 100 bytes. */
    private ArrayDeque<Post> awaited;
    /** Created with the first skip, which is rare (a gap, a new epoch). */
    private ArrayDeque<Skip> skips;

    /** A post of this socket and where the relay put it; its client id may be null. */
    record Post(StreamPosition position, String clientId) {
    }

    /** What {@link #numbered} found. */
    enum Outcome { AWAITED, ECHOED_ALREADY, LOST }

    boolean isEmpty() {
        return awaited == null || awaited.isEmpty();
    }

    /**
     * The relay numbered {@code post}: awaited unless the cursor is already past it, in which case it was either
     * echoed already (the echo overtook the reply) or skipped, hence lost.
     */
    Outcome numbered(Post post, StreamCursor cursor) {
        if (cursor.isNew(post.position())) {
            if (awaited == null) {
                awaited = new ArrayDeque<>();
            }
            insertInStreamOrder(post);
            return Outcome.AWAITED;
        }
        if (skips != null) {
            for (Skip skip : skips) {
                if (skip.covers(post.position())) {
                    return Outcome.LOST;
                }
            }
        }
        return Outcome.ECHOED_ALREADY;
    }

    /**
     * Posts are numbered in the order sent, so a new one goes last; except a resend the room already had, whose
     * original is older than posts numbered since (RepeatedPostException): it goes before the later ones of its
     * epoch, so that its echo does not settle them as lost.
     */
    private void insertInStreamOrder(Post post) {
        StreamPosition position = post.position();
        List<Post> later = List.of();
        while (!awaited.isEmpty() && awaited.peekLast().position().epoch().equals(position.epoch())
                && awaited.peekLast().position().id() > position.id()) {
            later = add(later, awaited.pollLast());
        }
        awaited.addLast(post);
        for (int i = later.size() - 1; i >= 0; i--) {
            awaited.addLast(later.get(i));
        }
    }

    /** The oldest awaited post, once more are awaited than {@link #MAX_AWAITED}; null otherwise. */
    Post overflow() {
        return awaited != null && awaited.size() > MAX_AWAITED ? awaited.pollFirst() : null;
    }

    /**
     * The cursor moved from {@code from} (null: it had no position) to {@code to} without giving the socket what
     * lies between; {@code toDelivered} says whether the message at {@code to} itself was given.
     */
    void skipped(StreamPosition from, StreamPosition to, boolean toDelivered) {
        long lastSkippedOfTo = toDelivered ? to.id() - 1 : to.id();
        if (from != null && from.epoch().equals(to.epoch())) {
            remember(new Skip(to.epoch(), from.id(), lastSkippedOfTo));
            return;
        }
        if (from != null) {
            endedAfter(from);
        }
        remember(new Skip(to.epoch(), 0, lastSkippedOfTo));
    }

    /** The epoch of {@code place} will not go on for this socket: anything of it after {@code place} was skipped. */
    void endedAfter(StreamPosition place) {
        remember(new Skip(place.epoch(), place.id(), Long.MAX_VALUE));
    }

    /**
     * The socket was given the message at {@code position} and its cursor moved there: that post, if it was one of
     * ours, is echoed, and every post awaited ahead of it was lost (posts are numbered in the order they were
     * sent, so an echo settles all before it, even one of an epoch the cursor never entered). Returns the awaited
     * posts now known lost: those, and those the cursor has passed without giving them.
     */
    List<Post> delivered(StreamPosition position, StreamCursor cursor) {
        List<Post> lost = List.of();
        if (awaited == null) {
            return lost;
        }
        if (position != null && awaitsEchoAt(position)) {
            for (Post oldest = awaited.pollFirst(); !oldest.position().equals(position); oldest = awaited.pollFirst()) {
                lost = add(lost, oldest);
            }
        }
        while (!awaited.isEmpty() && !cursor.isNew(awaited.peekFirst().position())) {
            lost = add(lost, awaited.pollFirst());
        }
        return lost;
    }

    private boolean awaitsEchoAt(StreamPosition position) {
        for (Post post : awaited) {
            if (post.position().equals(position)) {
                return true;
            }
        }
        return false;
    }

    private static List<Post> add(List<Post> lost, Post post) {
        List<Post> more = lost.isEmpty() ? new ArrayList<>(2) : lost;
        more.add(post);
        return more;
    }

    /** Removes and returns the posts awaited in {@code epoch} (the live stream moved away from it). */
    List<Post> awaitedIn(String epoch) {
        List<Post> lost = List.of();
        if (awaited != null) {
            for (var each = awaited.iterator(); each.hasNext(); ) {
                Post post = each.next();
                if (post.position().epoch().equals(epoch)) {
                    each.remove();
                    lost = add(lost, post);
                }
            }
        }
        return lost;
    }

    /** The awaited posts the cursor has passed without giving them (after a skip): lost. */
    List<Post> passed(StreamCursor cursor) {
        return delivered(null, cursor);
    }

    private void remember(Skip skip) {
        if (skip.throughId() <= skip.afterId()) {
            return; // nothing was skipped
        }
        if (skips == null) {
            skips = new ArrayDeque<>(REMEMBERED_SKIPS);
        } else if (skips.size() == REMEMBERED_SKIPS) {
            skips.pollFirst();
        }
        skips.addLast(skip);
    }

    /** Ids {@code afterId + 1} through {@code throughId} of {@code epoch} were skipped. */
    private record Skip(String epoch, long afterId, long throughId) {
        boolean covers(StreamPosition position) {
            return position.epoch().equals(epoch) && position.id() > afterId && position.id() <= throughId;
        }
    }
}
