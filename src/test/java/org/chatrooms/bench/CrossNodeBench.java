package org.chatrooms.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.json.JsonObject;

import org.chatrooms.dev.ChatServer;
import org.chatrooms.testing.ChatClient;
import org.chatrooms.testing.ChatCluster;
import org.chatrooms.testing.Eventually;
import org.chatrooms.testing.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Not part of the normal build (failsafe runs only {@code *IT}) nor of {@code ./mvnw -Pbench} (whose nodes run in
 * JVMs of their own, see {@link Benchmarks}); run it alone with
 * <pre>./mvnw -B verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=CrossNodeBench</pre>
 * It prints, for two nodes of the built WAR sharing one local Redis:
 * <ul>
 *   <li>messages per second from senders on node one to a reader on node two (one room per sender, so rooms are
 *       carried in parallel), counted until the last message reached the reader;</li>
 *   <li>how long after a Redis restart (process up and answering PING) a message crosses the nodes again.</li>
 * </ul>
 */
@Timeout(600)
class CrossNodeBench {

    private static final int MESSAGES_PER_SENDER = 5_000;

    @Test
    void throughputAndRecovery() throws Exception {
        try (RedisServer redis = RedisServer.start();
             ChatCluster cluster = new ChatCluster(redis)) {
            ChatServer one = cluster.startNode();
            ChatServer two = cluster.startNode();
            warmUp(cluster, one, two);
            for (int senders : List.of(1, 4)) {
                throughput(cluster, one, two, senders);
            }
            for (Duration outage : List.of(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(5))) {
                recovery(redis, cluster, one, two, outage);
            }
        }
    }

    private static void warmUp(ChatCluster cluster, ChatServer one, ChatServer two) {
        try (ChatClient sender = ChatClient.join(one.wsBase(), "warmup");
             ChatClient reader = ChatClient.join(two.wsBase(), "warmup")) {
            cluster.awaitSubscribers("warmup", 2);
            for (int i = 0; i < 2_000; i++) {
                sender.say("w" + i);
            }
            reader.next(2_000);
        }
    }

    private static void throughput(ChatCluster cluster, ChatServer one, ChatServer two, int senders)
            throws Exception {
        List<ChatClient> writers = new ArrayList<>();
        List<ChatClient> readers = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(senders * 2);
        try {
            for (int s = 0; s < senders; s++) {
                writers.add(ChatClient.join(one.wsBase(), "bench" + senders + "_" + s));
                readers.add(ChatClient.join(two.wsBase(), "bench" + senders + "_" + s));
                cluster.awaitSubscribers("bench" + senders + "_" + s, 2);
            }
            long start = System.nanoTime();
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (int s = 0; s < senders; s++) {
                ChatClient writer = writers.get(s);
                ChatClient reader = readers.get(s);
                done.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < MESSAGES_PER_SENDER; i++) {
                        writer.say("message " + i);
                    }
                }, pool));
                done.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < MESSAGES_PER_SENDER; i++) {
                        JsonObject frame = reader.next();
                        if (!frame.getString("message").equals("message " + i)) {
                            throw new AssertionError("out of order: " + frame);
                        }
                    }
                }, pool));
            }
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get();
            double seconds = (System.nanoTime() - start) / 1e9;
            int total = senders * MESSAGES_PER_SENDER;
            System.out.printf("BENCH throughput: %d sender(s) on node one -> node two: %d messages in %.2f s = "
                    + "%.0f messages/s%n", senders, total, seconds, total / seconds);
        } finally {
            writers.forEach(ChatClient::close);
            readers.forEach(ChatClient::close);
            pool.shutdownNow();
        }
    }

    /**
     * Kills Redis, keeps it down for {@code outage} (the longer, the longer the subscriber's backoff has grown),
     * restarts it and measures until a message crosses again.
     */
    private static void recovery(RedisServer redis, ChatCluster cluster, ChatServer one, ChatServer two,
                                 Duration outage) {
        try (ChatClient sender = ChatClient.join(one.wsBase(), "recovery");
             ChatClient reader = ChatClient.join(two.wsBase(), "recovery")) {
            cluster.awaitSubscribers("recovery", 2);
            redis.kill();
            long down = System.nanoTime();
            int[] refused = {0};
            // The outage is spent checking that every message sent meanwhile is refused, not silently lost.
            Eventually.until("an outage of " + outage, outage.plusSeconds(30), () -> {
                sender.say("while down");
                if (!sender.next().getString("type").equals("error")) {
                    throw new AssertionError("a message sent while Redis is down was not refused");
                }
                refused[0]++;
                return System.nanoTime() - down >= outage.toNanos();
            });
            long restarting = System.nanoTime();
            redis.restart();
            long up = System.nanoTime();
            int[] attempt = {0};
            Eventually.until("a message crosses the nodes again", Duration.ofSeconds(30), () -> {
                sender.say("probe " + attempt[0]++);
                return sender.next().getString("type").equals("chat.message");
            });
            long echoed = System.nanoTime();
            // The reader's node may come back later than the sender's; it then catches up from the history.
            reader.nextChat();
            long crossed = System.nanoTime();
            System.out.printf("BENCH recovery: Redis down %d ms (%d messages refused with an error frame); restart "
                    + "took %d ms; after Redis was up, the sender's node accepted a message after %d ms (%d probes) "
                    + "and it reached the other node after %d ms%n",
                    outage.toMillis(), refused[0], (up - restarting) / 1_000_000, (echoed - up) / 1_000_000,
                    attempt[0], (crossed - up) / 1_000_000);
        }
    }
}
