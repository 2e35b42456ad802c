package org.chatrooms.relay.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.chatrooms.metrics.ChatMetrics;
import org.chatrooms.protocol.ChatMessage;
import org.chatrooms.protocol.ChatPost;
import org.chatrooms.relay.RelayListener;
import org.chatrooms.relay.RoomEvents;
import org.chatrooms.relay.StreamRetention;
import org.chatrooms.room.RoomName;
import org.chatrooms.testing.RedisServer;
import org.chatrooms.testing.Stages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * The two ways a received message reaches the listener, the read loop itself or the dispatch thread, and the
 * moments where one hands over to the other: no message may overtake one queued before it, none may be lost as a
 * "repeat" of one that overtook it, and the listener is never called by two threads at once.
 */
class RedisDispatcherTest {

    private static final String EPOCH = "e1";
    private static final int BURST = 50;
    /**
     * Reading is faster than delivering, so messages queue up while the read loop is still reading; and a burst
     * lasts several budget windows, so the budget renews while messages are queued: the moment a read loop could
     * overtake them.
     */
    private static final long READ_NANOS = 1_000;
    private static final long DELIVERY_NANOS = 3_000;
    private final RedisKeys keys = new RedisKeys("t:");
    private final JoinedRooms rooms = new JoinedRooms();
    private final Recorder recorder = new Recorder();
    private RedisServer redis;
    private RedisClient client;
    private RedisDispatcher dispatcher;

    @AfterEach
    void stop() {
        if (dispatcher != null) {
            dispatcher.close();
        }
        if (client != null) {
            client.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    /**
     * Two read loops (as a Cluster's shard links) feed their own rooms as fast as they can, with a budget that runs
     * out and renews every 40 microseconds: thousands of hand-overs between the read loops and the
     * dispatch thread, each room's messages all delivered, once, in order.
     */
    @Test
    void messagesKeepTheirOrderAcrossThousandsOfHandOversBetweenReadLoopAndDispatchThread() throws Exception {
        start(new InlineDeliveryBudget(TimeUnit.MICROSECONDS.toNanos(40), TimeUnit.MICROSECONDS.toNanos(10)),
                RedisDispatcherTest::noCatchUpExpected);
        int perRoom = 60_000;
        List<RoomName> loopA = List.of(joined("a1"), joined("a2"));
        List<RoomName> loopB = List.of(joined("b1"), joined("b2"));
        Thread readLoopA = readLoop("chat-test-read-a", loopA, perRoom);
        Thread readLoopB = readLoop("chat-test-read-b", loopB, perRoom);
        readLoopA.start();
        readLoopB.start();
        readLoopA.join(Stages.WAIT.toMillis());
        readLoopB.join(Stages.WAIT.toMillis());
        recorder.awaitMore(4 * perRoom);

        for (RoomName room : List.of(loopA.get(0), loopA.get(1), loopB.get(0), loopB.get(1))) {
            assertEquals(perRoom, recorder.ids(room).size(), room + ": every message delivered, none twice");
            for (int i = 0; i < perRoom; i++) {
                assertEquals(i + 1, recorder.ids(room).get(i), room + ": in id order");
            }
        }
        assertEquals(0, recorder.breaches.get(), "listener calls overlapped or missed the one before");
        assertEquals(0, recorder.gaps.get(), "no room needed a catch-up");
        long[] inlineAndQueued = dispatcher.inlineAndQueued();
        assertTrue(inlineAndQueued[0] > 0 && inlineAndQueued[1] > 0, "both ways used: " + inlineAndQueued[0]
                + " delivered by the read loops, " + inlineAndQueued[1] + " queued");
        int handOvers = recorder.queuedToInline.get();
        assertTrue(handOvers >= 200, "the dispatch thread handed back to a read loop only " + handOvers + " times");
    }

    /**
     * Where only the queue keeps a room's order, because no hole shows: a room that delivered nothing yet, a new
     * epoch, a room event. A read loop that delivered there while an earlier message of the room is still queued
     * would overtake it, and the earlier one would then be dropped as a repeat or arrive late. The dispatch thread
     * starts only after the read loop's later messages, so the earlier ones are certain to be queued then.
     */
    @Test
    void aReadLoopNeverOvertakesWhatItQueuedWhereNoHoleShows() throws Exception {
        Switchable budget = new Switchable();
        create(budget, RedisDispatcherTest::noCatchUpExpected);
        RoomName fresh = joined("fresh");
        RoomName epochs = joined("epochs");
        RoomName events = joined("events");
        budget.inline = true;
        dispatcher.message(keys.roomChannel(epochs), payload(epochs, "e1", 1));
        budget.inline = false; // as when the read loops used up their time: queued
        dispatcher.message(keys.roomChannel(fresh), payload(fresh, "e1", 1));
        dispatcher.message(keys.roomChannel(epochs), payload(epochs, "e1", 2));
        dispatcher.message(keys.roomChannel(epochs), payload(epochs, "e2", 1));
        dispatcher.message(keys.roomChannel(events), payload(events, "e1", 1));
        budget.inline = true; // the next window: the read loop may deliver, but must not overtake
        dispatcher.message(keys.roomChannel(fresh), payload(fresh, "e1", 2));
        dispatcher.message(keys.roomChannel(epochs), payload(epochs, "e2", 2));
        dispatcher.message(keys.roomChannel(events), RoomEvents.REDIS_MARKER + "bob joined");
        dispatcher.start();
        recorder.awaitMore(8);

        assertEquals(List.of("fresh e1:1", "fresh e1:2"), recorder.log("fresh"));
        assertEquals(List.of("epochs e1:1", "epochs e1:2", "epochs e2:1", "epochs e2:2"), recorder.log("epochs"));
        assertEquals(List.of("events e1:1", "events event bob joined"), recorder.log("events"));
        assertEquals(1, dispatcher.inlineAndQueued()[0], "only the first message was delivered by the read loop");
    }

    /**
     * The dangerous moment, 300 times: the read loop sees a hole and queues the message, the dispatch thread reads
     * the history from Redis to fill it, and meanwhile the read loop goes on reading. What it reads then must wait
     * behind the catch-up (its room still shows the hole, and the queue is not empty): delivered on the spot, it
     * would move the room past the hole and the catch-up would take the missing messages for repeats.
     */
    @Test
    void whileTheDispatchThreadCatchesUpTheReadLoopQueuesBehindIt() throws Exception {
        redis = RedisServer.start();
        client = RedisClient.builder().hostAndPort(new HostAndPort("127.0.0.1", redis.port())).build();
        start(InlineDeliveryBudget.standard(), () -> client);
        RoomName room = joined("2330");
        String dataCopy = dataCopy();
        long top = 0;
        int rounds = 300;
        for (int round = 0; round < rounds; round++) {
            // Ids a..a+4 are in Redis's history; the read loop gets a, then a+2 (a+1 was lost on the way), a+3, a+4.
            long a = top + 1;
            for (long id = a; id <= a + 4; id++) {
                storeInHistory(room, dataCopy, id);
            }
            top = a + 4;
            dispatcher.message(keys.roomChannel(room), payload(room, a));
            dispatcher.message(keys.roomChannel(room), payload(room, a + 2));
            dispatcher.message(keys.roomChannel(room), payload(room, a + 3));
            dispatcher.message(keys.roomChannel(room), payload(room, a + 4));
            recorder.awaitMore(5);
            awaitIdle(); // the repeats queued behind the catch-up are dropped: the next round starts on the read loop
        }
        List<Long> ids = recorder.ids(room);
        assertEquals(top, ids.size(), "every message once");
        for (int i = 0; i < ids.size(); i++) {
            assertEquals(i + 1, ids.get(i), "in id order");
        }
        assertEquals(0, recorder.gaps.get(), "the history held every missing message");
        assertEquals(0, recorder.breaches.get(), "listener calls overlapped or missed the one before");
        assertTrue(recorder.queuedToInline.get() >= rounds - 1,
                "each round began on the read loop again: " + recorder.queuedToInline.get());
    }

    private void start(InlineDeliveryBudget budget, Supplier<UnifiedJedis> redisClient) {
        create(budget, redisClient);
        dispatcher.start();
    }

    /** A dispatcher whose dispatch thread is not started yet: what is queued stays queued. */
    private void create(InlineDeliveryBudget budget, Supplier<UnifiedJedis> redisClient) {
        StreamScripts scripts = new StreamScripts(keys, StreamRetention.DEFAULT, new EpochRotations(ChatMetrics.NONE),
                false);
        dispatcher = new RedisDispatcher("test", keys, rooms, redisClient, scripts, StreamRetention.DEFAULT,
                recorder, ChatMetrics.NONE, budget);
    }

    /** A catch-up would read Redis; these tests give it none, and the failed read shows as a gap. */
    private static UnifiedJedis noCatchUpExpected() {
        throw new IllegalStateException("no catch-up expected");
    }

    /** A budget the test turns on and off. */
    private static final class Switchable extends InlineDeliveryBudget {
        volatile boolean inline;

        Switchable() {
            super(1, 1);
        }

        @Override
        boolean allows(long now) {
            return inline;
        }
    }

    private void awaitIdle() throws TimeoutException {
        long deadline = System.nanoTime() + Stages.WAIT.toNanos();
        while (!dispatcher.idle()) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("the dispatch thread still has work");
            }
            Thread.yield();
        }
    }

    private RoomName joined(String name) {
        RoomName room = new RoomName(name);
        rooms.join(room).confirm(1);
        return room;
    }

    /**
     * Feeds its rooms in bursts of {@code BURST} ids, each after the last was delivered: faster than delivery within
     * a burst (so messages queue), never so far ahead that the dispatch queue overflows.
     */
    private Thread readLoop(String name, List<RoomName> loopRooms, int perRoom) {
        return new Thread(() -> {
            for (int id = 1; id <= perRoom; id++) {
                for (RoomName room : loopRooms) {
                    String payload = payload(room, id);
                    busyFor(READ_NANOS);
                    dispatcher.message(keys.roomChannel(room), payload);
                }
                if (id % BURST == 0) {
                    for (RoomName room : loopRooms) {
                        recorder.awaitDelivered(room, id);
                    }
                }
            }
        }, name);
    }

    /** Spins for a few microseconds, as reading a message or writing it to a few sockets takes. */
    private static void busyFor(long nanos) {
        long until = System.nanoTime() + nanos;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }

    private static String payload(RoomName room, long id) {
        return payload(room, EPOCH, id);
    }

    private static String payload(RoomName room, String epoch, long id) {
        return epoch + " " + id + " 1700000000000 " + RedisPayload.unnumbered(new ChatPost(room, "ann", "m" + id));
    }

    /** What {@code stream-epoch.lua} compares a stream's {@code run} with: which copy of the data this is. */
    private String dataCopy() {
        try (Jedis admin = redis.admin()) {
            return field(admin.info("server"), "run_id") + ":" + field(admin.info("replication"), "master_replid");
        }
    }

    private static String field(String info, String name) {
        return info.lines().filter(line -> line.startsWith(name + ":")).findFirst()
                .map(line -> line.substring(name.length() + 1).trim()).orElseThrow();
    }

    /** As {@code publish.lua} leaves a room's stream after numbering {@code id}, without publishing it. */
    private void storeInHistory(RoomName room, String dataCopy, long id) {
        client.hset(keys.roomStream(room), Map.of("epoch", EPOCH, "run", dataCopy, "top", Long.toString(id)));
        client.rpush(keys.roomHistory(room), payload(room, id));
        client.ltrim(keys.roomHistory(room), -StreamRetention.DEFAULT.historySize(), -1);
    }

    /** Records each room's ids, which thread delivered them, and breaches of the one-at-a-time contract. */
    private static final class Recorder implements RelayListener {
        private final Map<RoomName, List<Long>> ids = new ConcurrentHashMap<>();
        /** One entry per call (an id, or -1 for a room event), to wait for. */
        private final BlockingQueue<Long> delivered = new LinkedBlockingQueue<>();
        private final List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());
        private final AtomicInteger inside = new AtomicInteger();
        private final AtomicInteger breaches = new AtomicInteger();
        private final AtomicInteger gaps = new AtomicInteger();
        private final AtomicInteger queuedToInline = new AtomicInteger();
        private final AtomicInteger calls = new AtomicInteger();
        private final Map<RoomName, AtomicLong> counts = new ConcurrentHashMap<>();
        /** Deliberately plain, guarded only by the dispatcher's serialisation of calls. */
        private boolean lastByDispatchThread;
        private int callsSeen;

        @Override
        public void onMessage(ChatMessage message) {
            if (inside.incrementAndGet() != 1 || callsSeen != calls.getAndIncrement()) {
                breaches.incrementAndGet(); // two calls at once, or this one did not see the last one's writes
            }
            callsSeen++;
            boolean byDispatchThread = Thread.currentThread().getName().startsWith("chat-redis-dispatch-");
            if (lastByDispatchThread && !byDispatchThread) {
                queuedToInline.incrementAndGet();
            }
            lastByDispatchThread = byDispatchThread;
            ids.computeIfAbsent(message.room(), r -> new ArrayList<>()).add(message.id());
            log.add(message.room().value() + " " + message.epoch() + ":" + message.id());
            busyFor(DELIVERY_NANOS);
            counts.computeIfAbsent(message.room(), r -> new AtomicLong()).incrementAndGet();
            inside.decrementAndGet();
            delivered.add(message.id());
        }

        @Override
        public void onGap(RoomName room) {
            gaps.incrementAndGet();
        }

        @Override
        public void onRoomEvent(RoomName room, String event) {
            log.add(room.value() + " event " + event);
            delivered.add(-1L);
        }

        /** What {@code room} received, in order: "room epoch:id" and "room event text". */
        List<String> log(String room) {
            return log.stream().filter(entry -> entry.startsWith(room + " ")).toList();
        }

        List<Long> ids(RoomName room) {
            List<Long> list = ids.get(room);
            assertNotNull(list, "nothing delivered in " + room);
            return list;
        }

        /** Spins (yielding) until {@code room} had {@code count} deliveries; fails after {@link Stages#WAIT}. */
        void awaitDelivered(RoomName room, long count) {
            long deadline = System.nanoTime() + Stages.WAIT.toNanos();
            while (counts.getOrDefault(room, new AtomicLong()).get() < count) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(room + ": " + count + " messages not delivered in time");
                }
                Thread.yield();
            }
        }

        /** Waits for {@code total} more calls (messages and room events). */
        void awaitMore(long total) throws InterruptedException, TimeoutException {
            long deadline = System.nanoTime() + Stages.WAIT.toNanos();
            long count = 0;
            while (count < total) {
                if (delivered.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS) == null) {
                    throw new TimeoutException("delivered " + count + " of " + total);
                }
                count++;
            }
        }
    }
}
