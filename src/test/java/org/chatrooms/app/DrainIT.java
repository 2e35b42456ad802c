package org.chatrooms.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import org.chatrooms.dev.ChatServer;
import org.chatrooms.testing.ChatClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Graceful drain: with 200 sockets open, a stop says not ready first and then closes the sockets with 1001 spread
 * over {@code CHAT_DRAIN_SECONDS} (4 s here), so a cluster's survivors see a ramp of reconnects, not a wall.
 */
@Timeout(120)
class DrainIT {

    private static final Logger LOG = Logger.getLogger(DrainIT.class.getName());
    private static final int SOCKETS = 200;
    private static final Duration WINDOW = Duration.ofSeconds(4);

    @Test
    void aStopClosesTheSocketsOverTheDrainWindowAndIsNotReadyFromItsStart() throws Exception {
        ChatServer node = ChatServer.start(Map.of("CHAT_DRAIN_SECONDS", Long.toString(WINDOW.toSeconds()),
                "CHAT_MAX_SOCKETS_PER_ADDRESS", "0"));
        List<ChatClient> clients = new ArrayList<>();
        ConcurrentLinkedQueue<Long> closedAt = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Integer> codes = new ConcurrentLinkedQueue<>();
        HttpClient probe = HttpClient.newBuilder().connectTimeout(ChatClient.TIMEOUT).build();
        HttpRequest readyz = HttpRequest.newBuilder(node.httpBase().resolve("readyz")).timeout(ChatClient.TIMEOUT)
                .build();
        try {
            for (int i = 0; i < SOCKETS; i++) {
                ChatClient client = ChatClient.join(node.wsBase(), "drain_" + (i % 20));
                client.closed().thenAccept(status -> {
                    closedAt.add(System.nanoTime());
                    codes.add(status.code());
                });
                clients.add(client);
            }
            // A kept-alive connection: the container stops accepting new ones when it begins to stop.
            assertEquals(200, probe.send(readyz, HttpResponse.BodyHandlers.ofString()).statusCode());

            long stopped = System.nanoTime();
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> {
                try {
                    node.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // Statuses of probes sent after the first socket was closed: the drain had begun by then.
            List<Integer> duringDrain = new ArrayList<>();
            while (closedAt.size() < SOCKETS / 2 && !stopping.isDone()) {
                boolean draining = !closedAt.isEmpty();
                int status;
                try {
                    status = probe.send(readyz, HttpResponse.BodyHandlers.ofString()).statusCode();
                } catch (java.io.IOException refused) {
                    break; // the container refuses new connections: no request reaches a draining node
                }
                if (draining) {
                    duringDrain.add(status);
                }
                if (status == 503) {
                    break;
                }
            }
            stopping.get(WINDOW.toSeconds() + 30, TimeUnit.SECONDS);
            for (ChatClient client : clients) {
                client.awaitClose();
            }
            long first = closedAt.stream().mapToLong(Long::longValue).min().orElseThrow() - stopped;
            long last = closedAt.stream().mapToLong(Long::longValue).max().orElseThrow() - stopped;
            LOG.info(() -> String.format("Drain of %d sockets over %d s: first close after %d ms, last after %d ms; "
                    + "/readyz answered %s during it", SOCKETS, WINDOW.toSeconds(), first / 1_000_000,
                    last / 1_000_000, duringDrain));
            assertEquals(List.of(1001), codes.stream().distinct().toList(), "every socket is sent away with 1001");
            assertTrue(last - first >= WINDOW.toNanos() / 2,
                    "first and last close at least half the window apart: " + (last - first) / 1_000_000 + " ms");
            assertTrue(duringDrain.stream().allMatch(status -> status == 503), "/readyz during the drain: " + duringDrain);
        } finally {
            clients.forEach(ChatClient::close);
        }
    }
}
