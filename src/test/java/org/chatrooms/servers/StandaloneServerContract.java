package org.chatrooms.servers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.logging.Logger;

import jakarta.json.JsonObject;

import org.chatrooms.testing.ChatClient;
import org.chatrooms.testing.JoinGap;
import org.chatrooms.testing.RawWebSocket;
import org.chatrooms.testing.Eventually;
import org.chatrooms.testing.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What "the same WAR deploys unchanged" has to mean, checked on one real server distribution per subclass: the built
 * WAR, deployed as ROOT and at {@link StandaloneServer#CONTEXT_PATH}, serves the pages, both socket URL forms, the
 * origin check (which proves {@code HandshakeFilter} runs before the container's own upgrade filter), the probes;
 * and undeploying and stopping leave no error and no leak report in the server's log.
 *
 * <p>One server per class, started once: the last two tests undeploy and stop it. A failing test quotes the end of
 * the server's log.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(StandaloneServerContract.QuoteServerLog.class)
@Timeout(300)
abstract class StandaloneServerContract {

    private static final Logger LOG = Logger.getLogger(StandaloneServerContract.class.getName());
    /** 台積電, the room name of the README, percent-encoded as a browser sends it. */
    private static final String TSMC = "台積電";
    private static final String TSMC_ENCODED = "%E5%8F%B0%E7%A9%8D%E9%9B%BB";
    /** The reason of the 1001 that {@code ChatNode.close} sends. */
    private static final String APPLICATION_GOING_AWAY = "Server shutting down";

    private StandaloneServer server;

    /** The server to test, not yet started. */
    protected abstract StandaloneServer createServer();

    @BeforeAll
    void startServer() throws Exception {
        server = createServer();
        server.start();
        LOG.info(() -> server.name() + " served the WAR " + millis(server.startup()) + " ms after its process started");
    }

    @AfterAll
    void killServerIfStillRunning() {
        if (server != null) {
            server.close();
        }
    }

    /** The running server, for a subclass's own tests. */
    protected StandaloneServer server() {
        return server;
    }

    protected URI http(String context, String path) {
        return server.httpBase(context).resolve(path);
    }

    protected URI ws(String context, String path) {
        return server.wsBase(context).resolve(path);
    }

    protected String sameOrigin() {
        return "http://127.0.0.1:" + server.port();
    }

    @ParameterizedTest(name = "context \"{0}\"")
    @ValueSource(strings = {"", StandaloneServer.CONTEXT_PATH})
    void probesAnswer200(String context) {
        HttpResponse<String> health = Http.get(http(context, "healthz"));
        assertEquals(200, health.statusCode());
        assertEquals("ok", health.body());
        HttpResponse<String> ready = Http.get(http(context, "readyz"));
        assertEquals(200, ready.statusCode());
        assertEquals("ready", ready.body());
    }

    @ParameterizedTest(name = "context \"{0}\"")
    @ValueSource(strings = {"", StandaloneServer.CONTEXT_PATH})
    void indexPageHasTheOriginalElementIds(String context) {
        HttpResponse<String> root = Http.get(http(context, ""));
        assertEquals(302, root.statusCode(), "the context root redirects to the index");
        assertTrue(root.headers().firstValue("Location").orElse("").endsWith(context + "/chat/"),
                root.headers().toString());

        HttpResponse<String> index = Http.get(http(context, "chat/"));
        assertEquals(200, index.statusCode());
        assertTrue(index.headers().firstValue("Content-Type").orElse("").contains("UTF-8"), index.headers().toString());
        assertTrue(index.body().contains("id=\"room-name-input\""), index.body());
        assertTrue(index.body().contains("id=\"room-name-submit\""), index.body());
    }

    @ParameterizedTest(name = "context \"{0}\"")
    @ValueSource(strings = {"", StandaloneServer.CONTEXT_PATH})
    void unicodeRoomPageIsServedAtItsPercentEncodedUrl(String context) {
        HttpResponse<String> room = Http.get(http(context, "chat/" + TSMC_ENCODED + "/"));
        assertEquals(200, room.statusCode());
        assertTrue(room.body().contains("<h1>" + TSMC + "</h1>"), room.body());
        assertTrue(room.body().contains(">\"" + TSMC + "\"</script>"), room.body());
        for (String id : new String[] {"chat-log", "chat-message-input", "chat-message-submit"}) {
            assertTrue(room.body().contains("id=\"" + id + "\""), id);
        }
    }

    @Test
    void badRoomNameGets404ForThePageAndTheHandshake() {
        HttpResponse<String> page = Http.get(http("", "chat/a-b/"));
        assertEquals(404, page.statusCode());
        assertTrue(page.body().contains("Not found"), "the application's 404 page: " + page.body());
        assertFalse(page.body().contains("Exception"), page.body());
        assertEquals(404, ChatClient.refusedStatus(ws("", "ws/chat/a-b/"), sameOrigin()));
    }

    /** The trailing-slash claim: both forms reach the endpoint, on every container, at any context path. */
    @ParameterizedTest(name = "context \"{0}\", path {1}")
    @CsvSource({
            "'', ws/chat/" + TSMC_ENCODED + "/",
            "'', ws/chat/" + TSMC_ENCODED,
            StandaloneServer.CONTEXT_PATH + ", ws/chat/" + TSMC_ENCODED + "/",
            StandaloneServer.CONTEXT_PATH + ", ws/chat/" + TSMC_ENCODED})
    void socketEchoesOnBothUrlForms(String context, String path) {
        try (ChatClient client = ChatClient.connect(ws(context, path), sameOrigin())) {
            client.say("hello from " + path);
            JsonObject echo = client.nextChat();
            assertEquals("hello from " + path, echo.getString("message"));
            assertEquals(TSMC, echo.getString("room"));
        }
    }

    @Test
    void twoClientsInOneRoomSeeEachOther() {
        try (ChatClient ann = ChatClient.connect(ws("", "ws/chat/lobby_1/"), sameOrigin());
             ChatClient bob = ChatClient.connect(ws("", "ws/chat/lobby_1"), sameOrigin())) {
            ann.say("hi bob");
            assertEquals("hi bob", ann.nextChat().getString("message"));
            assertEquals("hi bob", bob.nextChat().getString("message"));
            bob.say("hi ann");
            assertEquals("hi ann", bob.nextChat().getString("message"));
            assertEquals("hi ann", ann.nextChat().getString("message"));
        }
    }

    /**
     * The join gap on this container: a message sent the moment a client saw its 101 reaches it, 300 times in 300
     * ({@link JoinGap}); the socket joined its room in {@code modifyHandshake}, and the container handed it to
     * {@code @OnOpen} through the session's user properties (otherwise the endpoint says so in the log).
     */
    @Test
    void aMessageSentRightAfterTheHandshakeAlwaysArrives() {
        int missed = JoinGap.misses(server.wsBase(""), server.wsBase(""), "join_gap", 300);
        LOG.info(() -> server.name() + ": join gap missed " + missed + " of 300");
        assertEquals(0, missed, "rounds in which the new socket missed the message sent after its 101");
        assertFalse(server.logContains("did not hand the handshake's user properties"), server.logTail());
    }

    /**
     * Keepalive on this container: pings go out through the same one-writer queue as frames, and a socket that
     * answers nothing is closed after two intervals, while one that answers (the JDK client does) stays.
     */
    @Test
    void pingsArriveAndASilentSocketIsClosed() throws Exception {
        try (ChatClient answering = ChatClient.connect(ws("", "ws/chat/keepalive/"), sameOrigin());
             RawWebSocket silent = RawWebSocket.open(ws("", "ws/chat/keepalive/"), 64 * 1024)) {
            int pings = 0;
            int closeCode = 0;
            while (closeCode == 0) {
                RawWebSocket.Frame frame = silent.readFrame();
                if (frame.opcode() == 0x9) {
                    pings++;
                } else if (frame.opcode() == RawWebSocket.OP_CLOSE) {
                    closeCode = frame.closeCode();
                }
            }
            assertTrue(pings >= 1, "pings before the close: " + pings);
            assertEquals(1001, closeCode, "a socket that never answers is closed");
            answering.say("still here");
            assertEquals("still here", answering.nextChat().getString("message"));
        }
    }

    @Test
    void aLateJoinerGetsTheRecentHistoryAndAResumerWhatItMissed() {
        try (ChatClient ann = ChatClient.connect(ws("", "ws/chat/history_1/"), sameOrigin())) {
            ann.say("first");
            JsonObject first = ann.nextChat();
            ann.say("second");
            ann.nextChat();
            try (ChatClient bob = ChatClient.connect(ws("", "ws/chat/history_1/"), sameOrigin())) {
                assertEquals(List.of("first", "second"), bob.historyTexts());
            }
            try (ChatClient carol = ChatClient.resume(server.wsBase(""), "history_1", first)) {
                assertEquals(List.of("second"), carol.historyTexts());
            }
        }
    }

    /** A 403 (not a 101, nor the container's own answer) proves the web.xml filter runs before the upgrade. */
    @ParameterizedTest(name = "path {0}")
    @ValueSource(strings = {"ws/chat/lobby_1/", "ws/chat/lobby_1"})
    void foreignOriginIsRefusedWith403(String path) {
        assertEquals(403, ChatClient.refusedStatus(ws("", path), "http://evil.example"));
        assertEquals(403, ChatClient.refusedStatus(ws(StandaloneServer.CONTEXT_PATH, path), "http://evil.example"));
    }

    @Test
    void binaryFrameIsClosedWith1003() {
        try (ChatClient client = ChatClient.connect(ws("", "ws/chat/lobby_1/"), sameOrigin())) {
            client.sendBinary(new byte[] {1, 2, 3});
            ChatClient.CloseStatus status = client.awaitClose();
            assertEquals(1003, status.code(), status.toString());
        }
    }

    /** An undeploy sends open sockets away with 1001 and leaves the other deployment running. */
    @Test
    @Order(Integer.MAX_VALUE - 1)
    void undeployClosesSocketsAndLeavesTheOtherDeployment() throws Exception {
        assumeTrue(server.canUndeploy(), server.name() + ": no undeploy while running in this suite");
        try (ChatClient client = ChatClient.connect(ws(StandaloneServer.CONTEXT_PATH, "ws/chat/lobby_1/"),
                sameOrigin())) {
            server.undeploy();
            assertEquals(1001, client.awaitClose(Duration.ofSeconds(30)).code());
        }
        Eventually.until(StandaloneServer.CONTEXT_PATH + " is gone", Duration.ofSeconds(30),
                () -> Http.status(http(StandaloneServer.CONTEXT_PATH, "healthz")) == 404);
        assertEquals(200, Http.status(http("", "healthz")));
        assertEquals(List.of(), server.problems(), "errors or leak reports after the undeploy");
    }

    /**
     * SIGTERM: the server stops its applications and exits; open sockets get 1001, the application's own shutdown
     * runs, and the log holds no error and no leak report from start to end.
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void stopsCleanlyWithoutErrorsOrLeaks() throws Exception {
        try (ChatClient client = ChatClient.connect(ws("", "ws/chat/lobby_1/"), sameOrigin())) {
            Duration stop = server.stop();
            LOG.info(() -> server.name() + " stopped in " + millis(stop) + " ms");
            ChatClient.CloseStatus status = client.awaitClose();
            assertEquals(1001, status.code(), "open sockets are sent away on shutdown: " + status);
            // Proof that ChatLifecycle.contextDestroyed ran. Tomcat closes its sockets itself before the listener
            // runs ("The web application is stopping") and logs the node's "Chat node stopped"; Payara leaves the
            // sockets to the node (its reason below) but prints nothing that is logged during its shutdown.
            assertTrue(APPLICATION_GOING_AWAY.equals(status.reason()) || server.logContains("Chat node stopped"),
                    "no sign that the application's shutdown ran: " + status);
        }
        // 143 = 128 + SIGTERM: the JVM ran its shutdown hooks and exited on the signal, as it should.
        server.exitValue().ifPresent(status -> assertTrue(status == 0 || status == 143, "exit status " + status));
        assertEquals(List.of(), server.problems(), "errors or leak reports in the server's log");
    }

    private static long millis(Duration duration) {
        return duration.toMillis();
    }

    /** Appends the end of the server's log to any failure of a test. */
    static final class QuoteServerLog implements TestExecutionExceptionHandler {
        @Override
        public void handleTestExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
            Object instance = context.getTestInstance().orElse(null);
            if (instance instanceof StandaloneServerContract contract && contract.server != null
                    && !(thrown instanceof org.opentest4j.TestAbortedException)) {
                throw new AssertionError(contract.server.name() + ": " + thrown.getMessage()
                        + contract.server.logTail(), thrown);
            }
            throw thrown;
        }
    }
}
