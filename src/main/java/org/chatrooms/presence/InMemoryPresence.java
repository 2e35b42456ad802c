package org.chatrooms.presence;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.chatrooms.relay.RoomEvents;
import org.chatrooms.room.RoomName;

/**
 * The presence of one node without Redis: the same frames, from memory. Each room's counts live in a map entry;
 * {@link ConcurrentHashMap#compute} serialises a room's changes, and the announcement is queued on the relay
 * inside that step, so announcements leave in the order the counts changed. A room with nobody left disappears.
 * Owns no thread. Thread-safe.
 */
public final class InMemoryPresence implements Presence {

    /** How lists are ordered, here and in the Redis implementation: verified first, then by name. */
    public static final Comparator<PresenceEntry> ORDER = Comparator.comparing((PresenceEntry e) -> !e.verified())
            .thenComparing(PresenceEntry::user);

    private final RoomEvents events;
    private final ConcurrentHashMap<RoomName, Map<Member, Integer>> rooms = new ConcurrentHashMap<>();

    public InMemoryPresence(RoomEvents events) {
        this.events = events;
    }

    @Override
    public void start(Supplier<Collection<RoomName>> hostedRooms) {
    }

    @Override
    public CompletionStage<Void> join(RoomName room, Member member) {
        rooms.compute(room, (name, counts) -> {
            Map<Member, Integer> held = counts != null ? counts : new HashMap<>();
            if (held.merge(member, 1, Integer::sum) == 1 && !member.isAnonymous()) {
                events.announce(room, PresenceEvent.join(member).encode());
            }
            return held;
        });
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> leave(RoomName room, Member member) {
        rooms.computeIfPresent(room, (name, held) -> {
            Integer count = held.get(member);
            if (count == null) {
                return held;
            }
            if (count > 1) {
                held.put(member, count - 1);
            } else {
                held.remove(member);
                if (!member.isAnonymous()) {
                    events.announce(room, PresenceEvent.leave(member).encode());
                }
            }
            return held.isEmpty() ? null : held;
        });
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<List<PresenceEntry>> list(RoomName room) {
        List<PresenceEntry>[] read = new List[1];
        rooms.compute(room, (name, held) -> {
            read[0] = held == null ? List.of() : held.entrySet().stream()
                    .map(e -> new PresenceEntry(e.getKey().user(), e.getKey().verified(), e.getValue()))
                    .sorted(ORDER).toList();
            return held;
        });
        return CompletableFuture.completedFuture(read[0]);
    }

    @Override
    public void close() {
    }

    /** Adds up per-node counts into one entry per member, in {@link #ORDER}. */
    public static List<PresenceEntry> merge(Map<Member, Integer> counts) {
        Map<Member, Integer> positive = new HashMap<>();
        counts.forEach((member, count) -> {
            if (count > 0) {
                positive.merge(member, count, Integer::sum);
            }
        });
        return positive.entrySet().stream()
                .map(e -> new PresenceEntry(e.getKey().user(), e.getKey().verified(), e.getValue()))
                .sorted(ORDER).toList();
    }
}
