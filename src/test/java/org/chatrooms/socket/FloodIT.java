package org.chatrooms.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.chatrooms.dev.ChatServer;
import org.chatrooms.testing.ChatClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One bad client cannot hurt the room: a socket floods the room with the shipped rate limit (20 a second, bursts
 * of 40) and slow-client rule (1 MiB or 10 s) in force, while a normal sender posts every 100 ms and a normal reader
 * listens. The reader stays connected and receives every relayed message in order, without a hole in the ids; the
 * normal sender's messages reach it promptly; the flooder is told about every message it lost and, since it keeps
 * flooding, is closed with 1008.
 */
@Timeout(90)
class FloodIT {

    private static final Logger LOG = Logger.getLogger(FloodIT.class.getName());
    private static final int BURST = 2_000;
    private static final int NORMAL_MESSAGES = 80;

    @Test
    void aFlooderIsLimitedAndClosedWhileTheRoomChatsOn() throws Exception {
        ScheduledExecutorService pace = Executors.newSingleThreadScheduledExecutor();
        try (ChatServer node = ChatServer.start(Map.of());
             ChatClient reader = ChatClient.join(node.wsBase(), "flood");
             ChatClient sender = ChatClient.join(node.wsBase(), "flood");
             ChatClient flooder = ChatClient.join(node.wsBase(), "flood")) {
            Map<String, Long> sentAt = new ConcurrentHashMap<>();
            // The reader reads as frames arrive, on a thread of its own, so latency is measured at arrival.
            List<JsonObject> received = new ArrayList<>();
            List<Long> latencies = new ArrayList<>();
            ExecutorService reading = Executors.newSingleThreadExecutor();
            Future<?> readAll = reading.submit(() -> {
                int normalSeen = 0;
                while (normalSeen < NORMAL_MESSAGES) {
                    JsonObject frame = reader.nextChat();
                    long arrived = System.nanoTime();
                    received.add(frame);
                    String text = frame.getString("message");
                    if (text.startsWith("normal ")) {
                        normalSeen++;
                        latencies.add(TimeUnit.NANOSECONDS.toMillis(arrived - sentAt.get(text)));
                    }
                }
            });
            for (int i = 0; i < NORMAL_MESSAGES; i++) {
                String text = "normal " + i;
                pace.schedule(() -> {
                    sentAt.put(text, System.nanoTime());
                    sender.say(text);
                }, i * 100L, TimeUnit.MILLISECONDS);
            }
            // The flood: 2,000 as fast as the socket takes them, then on at 100 a second until the server closes it.
            for (int i = 0; i < BURST; i++) {
                flooder.sendRaw(floodFrame(i));
            }
            AtomicInteger flooded = new AtomicInteger(BURST);
            pace.scheduleAtFixedRate(() -> {
                if (!flooder.isClosed()) {
                    try {
                        flooder.sendRaw(floodFrame(flooded.getAndIncrement()));
                    } catch (AssertionError closedMeanwhile) {
                        // the server closed it between the check and the send
                    }
                }
            }, 0, 10, TimeUnit.MILLISECONDS);
            ChatClient.CloseStatus closed = flooder.awaitClose(Duration.ofSeconds(20));
            assertEquals(1008, closed.code(), "the flooder is closed for breaking the policy: " + closed);

            // The reader: everything relayed, in order, no hole, the normal sender's messages among them, promptly.
            readAll.get(30, TimeUnit.SECONDS);
            reading.shutdown();
            assertFalse(reader.isClosed(), "the reader stays connected");
            for (int i = 1; i < received.size(); i++) {
                assertEquals(received.get(i - 1).getInt("id") + 1, received.get(i).getInt("id"), "no hole in the ids");
            }
            long floodRelayed = received.stream().filter(f -> f.getString("message").startsWith("flood ")).count();
            latencies.sort(null);
            long p99 = latencies.get((int) Math.ceil(latencies.size() * 0.99) - 1);
            int floodSent = flooded.get();
            LOG.info(() -> "Flood: flooder sent " + floodSent + ", " + floodRelayed + " relayed; reader got "
                    + received.size() + " messages, lost 0; normal sender's p99 " + p99 + " ms, max "
                    + latencies.get(latencies.size() - 1) + " ms");
            assertTrue(p99 < 500, "the normal sender's messages reach the reader with p99 " + p99 + " ms");
            assertTrue(floodRelayed >= 40 && floodRelayed < BURST / 2, "the flood was limited: " + floodRelayed);

            // The flooder was told about every message it lost (before its close): one answer per message.
            Map<String, Integer> answers = new HashMap<>();
            for (String frame : flooder.pending()) {
                String type = frame.contains("\"rate_limited\"") ? "rate_limited"
                        : frame.contains("\"chat.message\"") ? "chat" : "other";
                answers.merge(type, 1, Integer::sum);
            }
            assertTrue(answers.getOrDefault("rate_limited", 0) > 0, "rate_limited errors: " + answers);
        } finally {
            pace.shutdownNow();
        }
    }

    private static String floodFrame(int i) {
        return Json.createObjectBuilder().add("message", "flood " + i).add("cid", "f" + i).build().toString();
    }
}
