package org.chatrooms.bench;

import java.io.StringReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.json.Json;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.chatrooms.dev.ChatServer;
import org.chatrooms.testing.ChatClient;
import org.chatrooms.testing.RawWebSocket;

/**
 * One node, in-memory relay: how fast one room fans out to 1, 10 and 100 sockets (deliveries per second and
 * end-to-end latency from send to receipt), and how much heap an idle socket costs. Clients and server share this
 * JVM and the machine's two cores, so the figures are a floor, useful for comparing rows of one run.
 */
public final class FanOutBenchmark {

    private static final int MESSAGES = 5_000;
    private static final int WINDOW = 32;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private FanOutBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        try (ChatServer server = ChatServer.start(Map.of("CHAT_SEND_QUEUE_FRAMES", "4096"))) {
            URI room = server.wsBase().resolve("ws/chat/bench/");
            String origin = "http://127.0.0.1";
            run(room, origin, 1, 1_000, false); // warm-up, not printed
            System.out.printf("%nFan-out on one node (%d messages of ~40 bytes, %d in flight)%n", MESSAGES, WINDOW);
            System.out.printf("%-10s %14s %14s %10s %10s %10s%n",
                    "sockets", "msgs/s in", "deliveries/s", "p50 ms", "p99 ms", "max ms");
            for (int receivers : new int[] {1, 10, 100}) {
                run(room, origin, receivers, MESSAGES, true);
            }
            idleSocketCost(server.wsBase().resolve("ws/chat/idle/"), 1_000);
        }
    }

    private static void run(URI room, String origin, int receivers, int messages, boolean print) throws Exception {
        Recorder latency = new Recorder(3);
        CountDownLatch allDelivered = new CountDownLatch(receivers * messages);
        List<WebSocket> sockets = new ArrayList<>();
        for (int i = 0; i < receivers; i++) {
            sockets.add(connect(room, origin, new TimingListener(latency, allDelivered, null)));
        }
        AtomicInteger echoed = new AtomicInteger();
        Object pace = new Object();
        WebSocket sender = connect(room, origin, new TimingListener(null, null, () -> {
            echoed.incrementAndGet();
            synchronized (pace) {
                pace.notifyAll();
            }
        }));
        long start = System.nanoTime();
        for (int i = 0; i < messages; i++) {
            synchronized (pace) {
                while (i - echoed.get() >= WINDOW) {
                    pace.wait(10_000);
                }
            }
            String frame = Json.createObjectBuilder().add("message", Long.toString(System.nanoTime())).build().toString();
            sender.sendText(frame, true).join();
        }
        if (!allDelivered.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("Not every message arrived: " + allDelivered.getCount() + " missing");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Histogram histogram = latency.getIntervalHistogram();
        if (print) {
            System.out.printf("%-10d %14.0f %14.0f %10.2f %10.2f %10.2f%n", receivers, messages / seconds,
                    receivers * (double) messages / seconds, histogram.getValueAtPercentile(50) / 1e6,
                    histogram.getValueAtPercentile(99) / 1e6, histogram.getMaxValue() / 1e6);
        }
        sockets.add(sender);
        sockets.forEach(WebSocket::abort);
    }

    /**
     * Heap per idle socket, mostly the server's: the clients are bare TCP sockets ({@link RawWebSocket}) whose own
     * share is a few hundred bytes of Java objects, so the difference is dominated by Tomcat's and our state.
     */
    private static void idleSocketCost(URI room, int count) throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long before = usedHeapAfterGc(memory);
        List<RawWebSocket> sockets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sockets.add(RawWebSocket.open(room, 0));
        }
        long after = usedHeapAfterGc(memory);
        System.out.printf("%nHeap per idle socket (%d sockets, bare TCP clients): %.1f KiB%n",
                count, (after - before) / 1024.0 / count);
        for (RawWebSocket socket : sockets) {
            socket.close();
        }
    }

    private static long usedHeapAfterGc(MemoryMXBean memory) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static WebSocket connect(URI uri, String origin, WebSocket.Listener listener) {
        return HTTP.newWebSocketBuilder().header("Origin", origin).connectTimeout(ChatClient.TIMEOUT)
                .buildAsync(uri, listener).orTimeout(10, TimeUnit.SECONDS).join();
    }

    /** Records send-to-receipt latency of each chat frame (the message text is the sender's nanoTime). */
    private static final class TimingListener implements WebSocket.Listener {
        private final Recorder latency;
        private final CountDownLatch delivered;
        private final Runnable onEach;
        private final StringBuilder partial = new StringBuilder();

        TimingListener(Recorder latency, CountDownLatch delivered, Runnable onEach) {
            this.latency = latency;
            this.delivered = delivered;
            this.onEach = onEach;
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            socket.request(1);
            if (!last) {
                return null;
            }
            long now = System.nanoTime();
            String text = partial.toString();
            partial.setLength(0);
            try (var reader = Json.createReader(new StringReader(text))) {
                var frame = reader.readObject();
                if ("chat.message".equals(frame.getString("type", ""))) {
                    if (latency != null) {
                        latency.recordValue(Math.max(0, now - Long.parseLong(frame.getString("message"))));
                        delivered.countDown();
                    }
                    if (onEach != null) {
                        onEach.run();
                    }
                }
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int code, String reason) {
            if (code != WebSocket.NORMAL_CLOSURE && code != 1006) {
                System.out.println("A benchmark socket was closed: " + code + " " + reason);
            }
            return null;
        }
    }
}
