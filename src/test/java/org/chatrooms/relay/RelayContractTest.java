package org.chatrooms.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.chatrooms.protocol.ChatMessage;
import org.chatrooms.protocol.ChatPost;
import org.chatrooms.room.RoomName;
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

    /** A new, not yet started relay; each test gets its own and closes it. */
    protected abstract Relay newRelay();

    @BeforeEach
    void startRelay() {
        relay = newRelay();
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
    void theListenerIsCalledOnOneThread() {
        RoomName a = joined(freshRoom());
        RoomName b = joined(freshRoom());
        for (int i = 0; i < 20; i++) {
            relay.publish(new ChatPost(i % 2 == 0 ? a : b, "ann", "x" + i));
        }
        received.take(20);
        assertEquals(1, received.threads().size(), "listener threads: " + received.threads());
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
