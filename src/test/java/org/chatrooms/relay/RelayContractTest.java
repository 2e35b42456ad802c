package org.chatrooms.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.chatrooms.protocol.ChatMessage;
import org.chatrooms.protocol.ChatPost;
import org.chatrooms.room.RoomName;
import org.chatrooms.room.StreamPosition;
import org.chatrooms.testing.Eventually;
import org.chatrooms.testing.RecordingListener;
import org.chatrooms.testing.RelayThreadCheck;
import org.chatrooms.testing.Stages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@link Relay} contract, run against every implementation: ids and order, join and leave, failures that are
 * reported rather than dropped, one listener thread, and no thread left after {@code close()}.
 */
@Timeout(60)
public abstract class RelayContractTest {

    protected Relay relay;
    protected RecordingListener received;

    /** History size of the relays in these tests. */
    protected static final int HISTORY = 5;

    /** A new, not yet started relay keeping {@code retention}; each test gets its own and closes it. */
    protected abstract Relay newRelay(StreamRetention retention);

    @BeforeEach
    void startRelay() {
        relay = newRelay(new StreamRetention(HISTORY, Duration.ofMinutes(5)));
        received = new RecordingListener();
        relay.start(received);
    }

    /** Replaces this test's relay with one keeping {@code retention}. */
    protected void restartWith(StreamRetention retention) {
        relay.close();
        relay = newRelay(retention);
        received = new RecordingListener();
        relay.start(received);
    }

    @AfterEach
    void closeRelay() {
        relay.close();
        RelayThreadCheck.assertNoneAlive();
    }

    @Test
    void messagesArriveInPublishOrderWithIdsIncreasingByOneFromOne() {
        RoomName room = joined(freshRoom());
        List<CompletionStage<ChatMessage>> published = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            published.add(relay.publish(new ChatPost(room, "ann", "m" + i)));
        }
        List<ChatMessage> messages = received.take(50);
        for (int i = 0; i < 50; i++) {
            ChatMessage message = messages.get(i);
            assertEquals("m" + i, message.text());
            assertEquals(i + 1, message.id());
            assertEquals(room, message.room());
            assertEquals("ann", message.user());
            assertEquals(message, Stages.await(published.get(i)), "the stage completes with the message as delivered");
        }
    }

    @Test
    void idsArePerRoom() {
        RoomName a = joined(freshRoom());
        RoomName b = joined(freshRoom());
        for (int i = 0; i < 5; i++) {
            relay.publish(new ChatPost(a, "ann", "a" + i));
            relay.publish(new ChatPost(b, "bob", "b" + i));
        }
        List<ChatMessage> messages = received.take(10);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), idsOf(messages, a));
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), idsOf(messages, b));
    }

    @Test
    void concurrentSendersGetDistinctConsecutiveIdsAndKeepTheirOwnOrder() throws Exception {
        RoomName room = joined(freshRoom());
        int senders = 4;
        int each = 100;
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        try {
            for (int s = 0; s < senders; s++) {
                String user = "user" + s;
                pool.execute(() -> {
                    for (int i = 0; i < each; i++) {
                        relay.publish(new ChatPost(room, user, Integer.toString(i)));
                    }
                });
            }
        } finally {
            pool.shutdown();
            assertTrue(pool.awaitTermination(Stages.WAIT.toMillis(), TimeUnit.MILLISECONDS));
        }
        List<ChatMessage> messages = received.take(senders * each);
        for (int i = 0; i < messages.size(); i++) {
            assertEquals(i + 1, messages.get(i).id(), "ids are consecutive in delivery order");
        }
        for (int s = 0; s < senders; s++) {
            String user = "user" + s;
            List<String> texts = messages.stream().filter(m -> m.user().equals(user)).map(ChatMessage::text).toList();
            assertEquals(each, texts.size());
            for (int i = 0; i < each; i++) {
                assertEquals(Integer.toString(i), texts.get(i), user + "'s messages stay in the order sent");
            }
        }
    }

    @Test
    void theListenerIsCalledByOneThreadAtATime() {
        RoomName a = joined(freshRoom());
        RoomName b = joined(freshRoom());
        int count = 2_000;
        for (int i = 0; i < count; i++) {
            relay.publish(new ChatPost(i % 2 == 0 ? a : b, "ann", "x" + i));
        }
        received.take(count);
        assertEquals(0, received.breaches(), "calls that overlapped or missed the one before, on threads "
                + received.threads());
    }

    @Test
    void publishingToARoomNotJoinedFails() {
        assertUnavailable(relay.publish(new ChatPost(freshRoom(), "ann", "nobody here")));
    }

    @Test
    void afterLeaveTheRoomIsNotDeliveredAndPublishingToItFails() {
        RoomName left = joined(freshRoom());
        RoomName stays = joined(freshRoom());
        relay.leave(left);
        assertUnavailable(relay.publish(new ChatPost(left, "ann", "after leave")));
        relay.publish(new ChatPost(stays, "ann", "still here"));
        ChatMessage next = received.take(1).get(0);
        assertEquals("still here", next.text());
        assertEquals(List.of(), received.pending(), "nothing of the room left");
    }

    @Test
    void aRoomJoinedAgainIsDeliveredAgain() {
        RoomName room = joined(freshRoom());
        relay.leave(room);
        joined(room);
        relay.publish(new ChatPost(room, "ann", "back"));
        assertEquals("back", received.take(1).get(0).text());
    }

    @Test
    void readyWhileRunningAndNotAfterClose() {
        joined(freshRoom());
        assertTrue(relay.isReady());
        relay.close();
        assertFalse(relay.isReady());
    }

    @Test
    void publishingAfterCloseFails() {
        RoomName room = joined(freshRoom());
        relay.close();
        assertUnavailable(relay.publish(new ChatPost(room, "ann", "too late")));
    }

    // ---- streams: positions and history ----

    @Test
    void aRoomsMessagesShareOneEpochAndTheStageReportsThePosition() {
        RoomName room = joined(freshRoom());
        ChatMessage first = Stages.await(relay.publish(new ChatPost(room, "ann", "a")));
        ChatMessage second = Stages.await(relay.publish(new ChatPost(room, "ann", "b")));
        assertEquals(first.epoch(), second.epoch());
        assertEquals(new StreamPosition(first.epoch(), 2), second.position());
        assertEquals(List.of(first, second), received.take(2));
    }

    @Test
    void aRoomWithoutMessagesHasNoStreamAndReadingCreatesNone() {
        RoomName room = joined(freshRoom());
        History history = Stages.await(relay.history(room, HistoryFilter.latest(HISTORY)));
        assertEquals(new StreamPosition(History.NO_EPOCH, 0), history.top());
        assertEquals(List.of(), history.messages());
        assertTrue(history.complete());
        assertFalse(Stages.await(relay.history(room, HistoryFilter.after(new StreamPosition("gone", 3), HISTORY)))
                .complete(), "a position in a stream that is gone: the reader missed messages");
        ChatMessage first = Stages.await(relay.publish(new ChatPost(room, "ann", "first")));
        assertEquals(1, first.id());
        assertEquals(first.position(), Stages.await(relay.history(room, HistoryFilter.latest(HISTORY))).top());
    }

    @Test
    void theLatestMessagesComeOldestFirstUpToTheHistorySize() {
        RoomName room = joined(freshRoom());
        List<ChatMessage> sent = publish(room, 8);
        History history = Stages.await(relay.history(room, HistoryFilter.latest(HISTORY)));
        assertEquals(sent.subList(3, 8), history.messages());
        assertEquals(sent.get(7).position(), history.top());
        assertTrue(history.complete());
        assertEquals(sent.subList(6, 8), Stages.await(relay.history(room, HistoryFilter.latest(2))).messages());
        History none = Stages.await(relay.history(room, HistoryFilter.latest(0)));
        assertEquals(List.of(), none.messages());
        assertEquals(sent.get(7).position(), none.top());
    }

    @Test
    void resumingAfterAPositionGivesExactlyTheMessagesAfterIt() {
        RoomName room = joined(freshRoom());
        List<ChatMessage> sent = publish(room, 7);
        History after = Stages.await(relay.history(room, HistoryFilter.after(sent.get(3).position(), HISTORY)));
        assertEquals(sent.subList(4, 7), after.messages());
        assertTrue(after.complete());
        History atTop = Stages.await(relay.history(room, HistoryFilter.after(sent.get(6).position(), HISTORY)));
        assertEquals(List.of(), atTop.messages());
        assertTrue(atTop.complete(), "nothing missed");
        HistoryFilter idOnly = new HistoryFilter(Optional.empty(), Optional.of(5L), HISTORY);
        assertEquals(sent.subList(5, 7), Stages.await(relay.history(room, idOnly)).messages(),
                "an id without an epoch means the current epoch");
    }

    @Test
    void aPositionOlderThanTheHistoryIsIncompleteAndGetsWhatIsHeld() {
        RoomName room = joined(freshRoom());
        List<ChatMessage> sent = publish(room, 9);
        History history = Stages.await(relay.history(room, HistoryFilter.after(sent.get(1).position(), HISTORY)));
        assertFalse(history.complete(), "messages 3 and 4 are no longer held");
        assertEquals(sent.subList(4, 9), history.messages());
        History justHeld = Stages.await(relay.history(room, HistoryFilter.after(sent.get(3).position(), HISTORY)));
        assertTrue(justHeld.complete(), "message 5 is the oldest held, and the first one missed");
        assertEquals(sent.subList(4, 9), justHeld.messages());
    }

    @Test
    void aPositionOfAnotherEpochOrBeyondTheTopIsIncomplete() {
        RoomName room = joined(freshRoom());
        List<ChatMessage> sent = publish(room, 3);
        History otherEpoch = Stages.await(relay.history(room,
                HistoryFilter.after(new StreamPosition("another", 2), HISTORY)));
        assertFalse(otherEpoch.complete());
        assertEquals(sent, otherEpoch.messages(), "what is held, for the reader to start over");
        History beyond = Stages.await(relay.history(room,
                HistoryFilter.after(new StreamPosition(sent.get(0).epoch(), 9), HISTORY)));
        assertFalse(beyond.complete(), "an id the stream never reached: the stream went back in time");
    }

    @Test
    void withHistoryOffResumingIsCompleteOnlyAtTheTop() {
        restartWith(new StreamRetention(0, Duration.ofMinutes(5)));
        RoomName room = joined(freshRoom());
        List<ChatMessage> sent = publish(room, 3);
        History behind = Stages.await(relay.history(room, HistoryFilter.after(sent.get(1).position(), 10)));
        assertFalse(behind.complete());
        assertEquals(List.of(), behind.messages());
        assertEquals(sent.get(2).position(), behind.top());
        assertTrue(Stages.await(relay.history(room, HistoryFilter.after(sent.get(2).position(), 10))).complete());
    }

    @Test
    void aStreamIdleForItsTimeToLiveStartsANewEpoch() {
        Duration ttl = Duration.ofMillis(300);
        restartWith(new StreamRetention(HISTORY, ttl));
        RoomName room = joined(freshRoom());
        ChatMessage old = Stages.await(relay.publish(new ChatPost(room, "ann", "old")));
        History expired = Eventually.value("the stream expired", Stages.WAIT,
                () -> Stages.await(relay.history(room, HistoryFilter.latest(HISTORY))),
                history -> !history.top().epoch().equals(old.epoch()));
        assertEquals(0, expired.top().id());
        assertEquals(List.of(), expired.messages(), "the history went with the counter");
        ChatMessage next = Stages.await(relay.publish(new ChatPost(room, "ann", "new")));
        assertEquals(1, next.id());
        assertNotEquals(old.epoch(), next.epoch(), "a new epoch");
    }

    /**
     * The race a joining socket depends on: a history read concurrent with publishing sees a consistent stream,
     * every time: its messages end at its top without holes, and what was delivered is already held.
     */
    @Test
    void historyReadsDuringPublishingAreAlwaysConsistent() throws Exception {
        RoomName room = joined(freshRoom());
        int messages = 400;
        ExecutorService publisher = Executors.newSingleThreadExecutor();
        try {
            var done = publisher.submit(() -> {
                for (int i = 0; i < messages; i++) {
                    Stages.await(relay.publish(new ChatPost(room, "ann", "m" + i)));
                }
            });
            long lastTop = 0;
            int reads = 0;
            while (!done.isDone() || reads < 300) {
                History history = Stages.await(relay.history(room, HistoryFilter.latest(HISTORY)));
                long top = history.top().id();
                assertTrue(top >= lastTop, "the top never goes back");
                List<ChatMessage> held = history.messages();
                assertEquals(Math.min(top, HISTORY), held.size(), "held at top " + top);
                for (int i = 0; i < held.size(); i++) {
                    assertEquals(top - held.size() + 1 + i, held.get(i).id(), "no hole at top " + top);
                }
                lastTop = top;
                reads++;
            }
            done.get();
        } finally {
            publisher.shutdown();
        }
        List<ChatMessage> delivered = received.take(messages);
        History last = Stages.await(relay.history(room, HistoryFilter.latest(HISTORY)));
        assertEquals(delivered.subList(messages - HISTORY, messages), last.messages());
    }

    private List<ChatMessage> publish(RoomName room, int count) {
        List<ChatMessage> sent = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            sent.add(Stages.await(relay.publish(new ChatPost(room, "ann", "m" + i))));
        }
        received.take(count);
        return sent;
    }

    @Test
    void aResendTheHistoryHoldsIsNotPublishedAgain() {
        RoomName room = joined(freshRoom());
        ChatPost hi = new ChatPost(room, "ann", "hi", "ann-1");
        ChatMessage original = Stages.await(relay.publish(hi));
        relay.publish(new ChatPost(room, "bob", "in between", "bob-1"));
        received.take(2);

        RepeatedPostException repeat = Stages.assertFailsWith(RepeatedPostException.class,
                relay.publish(hi.asResend()));
        assertEquals(original, repeat.original(), "the refusal names the message the room has");
        ChatMessage next = Stages.await(relay.publish(new ChatPost(room, "ann", "next", "ann-2")));
        assertEquals(original.id() + 2, next.id(), "the repeat used no id");
        assertEquals(List.of("next"), received.take(1).stream().map(ChatMessage::text).toList(),
                "and reached no listener");
    }

    /** Names and client ids as clients send them: non-ASCII, quotes and backslashes (escaped in Redis's copy). */
    @Test
    void aResendIsRecognisedWhateverTheNameAndClientIdContain() {
        RoomName room = joined(freshRoom());
        ChatPost tricky = new ChatPost(room, "安妮 \"q\"", "text with \"c\":\"x\"", "a\"b\\c}", true);
        ChatMessage original = Stages.await(relay.publish(tricky));
        received.take(1);
        assertEquals(original, Stages.assertFailsWith(RepeatedPostException.class,
                relay.publish(tricky.asResend())).original());
    }

    @Test
    void aResendIsPublishedWhenTheHistoryLacksIt() {
        restartWith(new StreamRetention(2, Duration.ofMinutes(5)));
        RoomName room = joined(freshRoom());
        ChatPost first = new ChatPost(room, "ann", "first", "ann-1");
        relay.publish(first);
        Stages.await(relay.publish(new ChatPost(room, "ann", "lost on its way", "ann-2").asResend()));
        Stages.await(relay.publish(new ChatPost(room, "bob", "same id, other sender", "ann-1").asResend()));
        Stages.await(relay.publish(new ChatPost(room, "ann", "a verified ann", "ann-1", true).asResend()));
        Stages.await(relay.publish(new ChatPost(room, "ann", "third", "ann-3")));
        Stages.await(relay.publish(first.asResend())); // trimmed from the 2-message history: taken again
        assertEquals(List.of("first", "lost on its way", "same id, other sender", "a verified ann", "third", "first"),
                received.take(6).stream().map(ChatMessage::text).toList());
    }

    // ---- helpers ----

    /** A room no earlier test used, so its ids start at 1 for every implementation. */
    protected static RoomName freshRoom() {
        return new RoomName("r" + UUID.randomUUID().toString().replace("-", ""));
    }

    /** Joins and waits until the relay confirmed the room. */
    protected RoomName joined(RoomName room) {
        return joined(relay, room);
    }

    protected static RoomName joined(Relay relay, RoomName room) {
        Stages.await(relay.join(room));
        return room;
    }

    protected static void assertUnavailable(CompletionStage<?> stage) {
        Stages.assertFailsWith(RelayUnavailableException.class, stage);
    }

    protected static List<Long> idsOf(List<ChatMessage> messages, RoomName room) {
        return messages.stream().filter(m -> m.room().equals(room)).map(ChatMessage::id).toList();
    }
}
