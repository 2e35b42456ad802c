package org.chatrooms.servers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpServer;

import org.chatrooms.testing.ChatClient;
import org.chatrooms.testing.Dockerfile;
import org.chatrooms.testing.Http;
import org.chatrooms.testing.RawWebSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The production image's steps on a real Tomcat of the image's line ({@link ImageServer}): the build stage's Maven
 * Wrapper build, our {@code server.xml} and logging, the WAR it built as {@code ROOT.war}, the image's non-root
 * user, the {@code HEALTHCHECK} command, all read from the {@code Dockerfile}. Then what the image promises: the
 * server runs as that user and cannot change its own files, the health command tells ready from not ready, chat
 * works, write completions run on the application's thread (the image's {@code InlineCompletionExecutor}), Tomcat's
 * own error pages name no version, and SIGTERM (docker stop) stops it cleanly.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(600)
class ImageServerIT {

    private static final Logger LOG = Logger.getLogger(ImageServerIT.class.getName());
    private static final int IDLE_SOCKETS = 500;
    /** Twice today's figure: more would halve the sockets a node's memory holds. */
    private static final double MAX_HEAP_PER_SOCKET_KIB = 128;
    /** The heap lines of jcmd GC.heap_info (G1, or the generations of the other collectors), not Metaspace. */
    private static final Pattern HEAP_USED = Pattern.compile("(?m)^\\s*(?:garbage-first heap|def new generation"
            + "|tenured generation|PSYoungGen|ParOldGen)\\b.*?used (\\d+)K");
    /** {@code FROM tomcat:<line>-jre<java>} */
    private static final Pattern TOMCAT_IMAGE = Pattern.compile("tomcat:(\\d+\\.\\d+)-jre(\\d+)");
    /** The connector's pool threads, as /proc shows their names (cut to 15 characters: http-nio-exec-1). */
    private static final String POOL_THREADS = "http-nio-exec-";
    private static final Pattern VOLUNTARY_SWITCHES = Pattern.compile("(?m)^voluntary_ctxt_switches:\\s+(\\d+)$");
    private static final int ROOM_SOCKETS = 50;
    private static final int ROOM_MESSAGES = 200;
    /**
     * One message every 10 ms into the room of 50: 5,000 completions a second, a chat rate and half of what the
     * executor runs inline per thread (10,000 a second; a burst beyond that goes to the pool on purpose).
     */
    private static final long SEND_INTERVAL_MILLIS = 10;
    /**
     * Stock Tomcat wakes a pool thread for about every delivery (it hands each write's completion to the pool);
     * inline, the pool wakes for the incoming frames, one per message, a fiftieth of the deliveries here.
     */
    private static final double MAX_POOL_WAKE_UPS_PER_DELIVERY = 0.25;

    private final Dockerfile dockerfile = Dockerfile.ofProject();
    private ImageServer server;

    @BeforeAll
    void startServer() throws Exception {
        // CI runs as root; setpriv needs it to become the image's user.
        boolean root = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .anyMatch(line -> line.matches("Uid:\\s+0\\s.*"));
        assumeTrue(root, "ImageServerIT runs the server as the image's user through setpriv, which needs root");
        server = ImageServer.of(dockerfile, "chat.tomcat10.home");
        server.start();
        LOG.info(() -> server.name() + ": build stage " + server.buildTime().toMillis()
                + " ms, then Tomcat served the WAR " + server.startup().minus(server.buildTime()).toMillis()
                + " ms after it was started");
    }

    @AfterAll
    void killServerIfStillRunning() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void distributionAndJavaAreTheImagesLine() throws IOException {
        Matcher from = TOMCAT_IMAGE.matcher(dockerfile.runtime().image());
        assertTrue(from.matches(), "runtime stage is not FROM tomcat:<line>-jre<java>: "
                + dockerfile.runtime().image());
        String version = System.getProperty("chat.tomcat10.version", "");
        assertTrue(version.startsWith(from.group(1) + "."),
                "the image runs Tomcat " + from.group(1) + ", this test Tomcat " + version);
        String release = Files.readString(StandaloneServer.JAVA_HOME.resolve("release"));
        assertTrue(release.contains("JAVA_VERSION=\"" + from.group(2) + "."),
                "the image runs Java " + from.group(2) + ", this test " + release);
        assertTrue(dockerfile.stage("build").image().contains(from.group(2) + "-jdk"),
                "the build stage's JDK: " + dockerfile.stage("build").image());
    }

    @Test
    void serverRunsAsTheImagesUser() throws IOException {
        int[] user = server.user();
        assertNotEquals(0, user[0], "the image's USER is root");
        List<String> status = Files.readAllLines(Path.of("/proc", Long.toString(server.pid()), "status"));
        assertTrue(status.contains("Uid:\t" + user[0] + "\t" + user[0] + "\t" + user[0] + "\t" + user[0]),
                status.toString());
        assertTrue(status.contains("Gid:\t" + user[1] + "\t" + user[1] + "\t" + user[1] + "\t" + user[1]),
                status.toString());
        assertEquals(List.of(""), status.stream().filter(line -> line.startsWith("Groups:"))
                .map(line -> line.substring("Groups:".length()).strip()).toList(), "supplementary groups");
    }

    /** The application is served from the WAR itself, and the server's user can write neither it nor conf/. */
    @Test
    void serverCannotChangeItsOwnFiles() throws Exception {
        Path home = server.catalinaHome();
        assertFalse(Files.exists(home.resolve("webapps/ROOT")), "the WAR was unpacked");
        for (Path file : new Path[] {home.resolve("webapps/ROOT.war"), home.resolve("webapps"),
                home.resolve("conf/server.xml"), home.resolve("conf")}) {
            ImageServer.Result writable = ImageServer.run(Duration.ofSeconds(10), List.of("setpriv",
                    "--reuid=" + server.user()[0], "--regid=" + server.user()[1], "--clear-groups", "--",
                    "test", "-w", file.toString()));
            assertEquals(1, writable.status(), file + " is writable by the server's user " + writable.output());
        }
        assertTrue(Files.isWritable(home.resolve("work")), "work/ must stay writable (JSPs compile there)");
    }

    @Test
    void healthCommandPassesOnTheRunningServer() throws Exception {
        assertEquals(0, server.runHealthCommand(server.port()), String.join(" ", server.healthCommand(server.port())));
    }

    /** The command checks the status: 503 (Redis relay down) or no answer at all fail it, 200 passes. */
    @Test
    void healthCommandFailsUnlessReadyzAnswers200() throws Exception {
        AtomicInteger status = new AtomicInteger(503);
        List<String> paths = new ArrayList<>();
        HttpServer probe = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        probe.createContext("/", exchange -> {
            synchronized (paths) {
                paths.add(exchange.getRequestURI().getPath());
            }
            byte[] body = (status.get() == 200 ? "ready" : "not ready").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status.get(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        probe.start();
        try {
            int port = probe.getAddress().getPort();
            assertNotEquals(0, server.runHealthCommand(port), "passed on 503");
            status.set(200);
            assertEquals(0, server.runHealthCommand(port), "failed on 200");
            synchronized (paths) {
                assertEquals(List.of("/readyz", "/readyz"), paths);
            }
        } finally {
            probe.stop(0);
        }
        assertNotEquals(0, server.runHealthCommand(StandaloneServer.freePort()), "passed with nothing listening");
    }

    /** The JSPs compile (into work/, as the non-root user) and render; the probes answer. */
    @Test
    void pagesRenderAndProbesAnswer() {
        HttpResponse<String> index = Http.get(server.httpBase("").resolve("chat/"));
        assertEquals(200, index.statusCode());
        assertTrue(index.body().contains("id=\"room-name-input\""), index.body());
        HttpResponse<String> room = Http.get(server.httpBase("").resolve("chat/lobby/"));
        assertEquals(200, room.statusCode());
        assertTrue(room.body().contains("id=\"chat-log\""), room.body());
        assertEquals("ok", Http.get(server.httpBase("").resolve("healthz")).body());
        assertEquals("ready", Http.get(server.httpBase("").resolve("readyz")).body());
    }

    @Test
    void twoClientsChatThroughTheImagesTomcat() {
        try (ChatClient ann = ChatClient.join(server.wsBase(""), "lobby");
             ChatClient bob = ChatClient.join(server.wsBase(""), "lobby")) {
            ann.say("hi bob");
            assertEquals("hi bob", ann.nextChat().getString("message"));
            assertEquals("hi bob", bob.nextChat().getString("message"));
            bob.say("hi ann");
            assertEquals("hi ann", ann.nextChat().getString("message"));
            assertEquals("hi ann", bob.nextChat().getString("message"));
        }
    }

    /**
     * The sizing in docs/operations.md (about 10,000 idle sockets in the heap of a 1 GiB container, ~64 KiB each)
     * holds with the image's connector: {@link #IDLE_SOCKETS} bare sockets, the server's heap after a full GC
     * before and after, read with jcmd. Prints the figure; fails only above {@link #MAX_HEAP_PER_SOCKET_KIB}.
     */
    @Test
    void heapPerIdleSocketFitsTheRunbooksSizing() throws Exception {
        List<RawWebSocket> sockets = new ArrayList<>();
        try {
            long before = liveHeapKib();
            for (int i = 0; i < IDLE_SOCKETS; i++) {
                sockets.add(RawWebSocket.open(server.wsBase("").resolve("ws/chat/idle_" + (i % 50) + "/"), 0));
            }
            long after = liveHeapKib();
            double perSocket = (after - before) / (double) IDLE_SOCKETS;
            LOG.info(() -> String.format("%s: heap per idle socket %.1f KiB (%d sockets, %d rooms)", server.name(),
                    perSocket, IDLE_SOCKETS, 50));
            assertTrue(perSocket < MAX_HEAP_PER_SOCKET_KIB, perSocket + " KiB per idle socket");
        } finally {
            for (RawWebSocket socket : sockets) {
                socket.close();
            }
        }
    }

    /** The server's used heap after a full collection, in KiB. */
    private long liveHeapKib() throws Exception {
        String jcmd = StandaloneServer.JAVA_HOME.resolve("bin/jcmd").toString();
        String pid = Long.toString(server.pid());
        ImageServer.Result gc = ImageServer.run(Duration.ofSeconds(60), List.of(jcmd, pid, "GC.run"));
        assertEquals(0, gc.status(), gc.output());
        ImageServer.Result info = ImageServer.run(Duration.ofSeconds(60), List.of(jcmd, pid, "GC.heap_info"));
        assertEquals(0, info.status(), info.output());
        long used = 0;
        Matcher heap = HEAP_USED.matcher(info.output());
        while (heap.find()) {
            used += Long.parseLong(heap.group(1));
        }
        assertTrue(used > 0, info.output());
        return used;
    }

    /**
     * The image's executor runs write completions on the relay's thread instead of waking a pool thread for each:
     * {@link #ROOM_MESSAGES} messages into a room of {@link #ROOM_SOCKETS}, and the voluntary context switches of
     * the server's pool threads ({@code /proc/<pid>/task/*}) meanwhile, per delivery. With Tomcat's stock pool
     * (server.xml without our executor, or a Tomcat that renamed its completion task, which the executor then no
     * longer recognises) it is about one. First of the tests, so that no other test's sockets are still closing on
     * the pool threads.
     */
    @Test
    @Order(1)
    void writeCompletionsRunOnTheApplicationsThreadNotOnThePool() throws Exception {
        List<ChatClient> clients = new ArrayList<>();
        ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
        try {
            for (int i = 0; i < ROOM_SOCKETS; i++) {
                clients.add(ChatClient.join(server.wsBase(""), "inline"));
            }
            // The joins' presence frames and their writes go before a message sent after them (one dispatch
            // thread, in order), so once everyone has it, only the messages below are left to count.
            clients.get(0).say("ready");
            for (ChatClient client : clients) {
                assertEquals("ready", client.nextChat().getString("message"));
            }
            Map<Long, Long> before = poolThreadSwitches();
            AtomicInteger sent = new AtomicInteger();
            // From every socket in turn (4 each, far below the rate limit); fixed delay, so a late run of the
            // sender does not catch up with a burst.
            sender.scheduleWithFixedDelay(() -> {
                int n = sent.getAndIncrement();
                if (n < ROOM_MESSAGES) {
                    clients.get(n % ROOM_SOCKETS).say("m" + n);
                }
            }, 0, SEND_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
            for (ChatClient client : clients) {
                Set<String> received = new HashSet<>();
                for (int n = 0; n < ROOM_MESSAGES; n++) {
                    received.add(client.nextChat().getString("message"));
                }
                assertEquals(ROOM_MESSAGES, received.size(), "distinct messages received");
            }
            Map<Long, Long> after = poolThreadSwitches();
            long switches = 0;
            for (Map.Entry<Long, Long> thread : after.entrySet()) {
                switches += thread.getValue() - before.getOrDefault(thread.getKey(), 0L);
            }
            int deliveries = ROOM_SOCKETS * ROOM_MESSAGES;
            double perDelivery = switches / (double) deliveries;
            long counted = switches;
            LOG.info(() -> String.format("%s: %d voluntary context switches of %d pool threads for %d deliveries"
                    + " (%.3f per delivery)", server.name(), counted, after.size(), deliveries, perDelivery));
            assertTrue(perDelivery < MAX_POOL_WAKE_UPS_PER_DELIVERY, counted + " pool thread wake-ups for "
                    + deliveries + " deliveries: are write completions handed to the pool?");
        } finally {
            sender.shutdownNow();
            for (ChatClient client : clients) {
                client.close();
            }
        }
    }

    /** Voluntary context switches of each of the server's pool threads so far, by thread id. */
    private Map<Long, Long> poolThreadSwitches() throws IOException {
        Map<Long, Long> switches = new HashMap<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(server.pid()), "task"))) {
            for (Path task : tasks.toList()) {
                String name;
                String status;
                try {
                    name = Files.readString(task.resolve("comm")).strip();
                    status = Files.readString(task.resolve("status"));
                } catch (java.nio.file.NoSuchFileException ended) {
                    continue;
                }
                if (name.startsWith(POOL_THREADS)) {
                    Matcher voluntary = VOLUNTARY_SWITCHES.matcher(status);
                    assertTrue(voluntary.find(), status);
                    switches.put(Long.parseLong(task.getFileName().toString()), Long.parseLong(voluntary.group(1)));
                }
            }
        }
        assertFalse(switches.isEmpty(), "no " + POOL_THREADS + "* threads in the server");
        return switches;
    }

    /** A request Tomcat refuses before the application sees it: its error page without version or report. */
    @Test
    void tomcatsOwnErrorPageNamesNoServerVersion() throws IOException {
        String response = rawRequest("GET /%zz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertTrue(response.startsWith("HTTP/1.1 400 "), response);
        String version = System.getProperty("chat.tomcat10.version", "10.1");
        assertFalse(response.contains("Tomcat"), response);
        assertFalse(response.contains(version), response);
        assertFalse(response.contains("Exception"), response);
        assertFalse(response.toLowerCase(java.util.Locale.ROOT).contains("\r\nserver:"), response);
    }

    /** docker stop: SIGTERM to PID 1, which is Tomcat's JVM. */
    @Test
    @Order(Integer.MAX_VALUE)
    void sigtermStopsItCleanlyAndTheHealthCommandThenFails() throws Exception {
        try (ChatClient client = ChatClient.join(server.wsBase(""), "lobby")) {
            Duration stop = server.stop();
            LOG.info(() -> server.name() + " stopped in " + stop.toMillis() + " ms");
            assertEquals(1001, client.awaitClose().code());
        }
        server.exitValue().ifPresent(status -> assertTrue(status == 0 || status == 143, "exit status " + status));
        assertEquals(List.of(), server.problems(), "errors or leak reports in the server's log" + server.logTail());
        assertNotEquals(0, server.runHealthCommand(server.port()), "passed after the server stopped");
    }

    private String rawRequest(String request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout((int) ChatClient.TIMEOUT.toMillis());
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
