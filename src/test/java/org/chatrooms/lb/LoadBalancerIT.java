package org.chatrooms.lb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import jakarta.json.JsonObject;

import org.chatrooms.dev.ChatServer;
import org.chatrooms.testing.ChatClient;
import org.chatrooms.testing.ChatCluster;
import org.chatrooms.testing.Eventually;
import org.chatrooms.testing.Http;
import org.chatrooms.testing.Nginx;
import org.chatrooms.testing.RawHttp;
import org.chatrooms.testing.RedisDeployment;
import org.chatrooms.testing.RedisMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * The shipped {@code deploy/nginx/chat.conf}, run by a real nginx in front of two nodes of the built WAR that
 * share a real Redis: what a user reaches through the balancer, where nginx's round robin puts sockets, the
 * Origin check behind a proxy, and a node going away. Nodes take a second each to start, so the tests that leave
 * them as they were share one cluster (each in rooms of its own); the failover test brings its own node to stop,
 * behind its own nginx. A failing test reports the tail of nginx's error log. One redis-server here;
 * {@link SentinelLoadBalancerHA} and {@link ClusterLoadBalancerHA} run the same tests in the other two modes.
 */
@Timeout(60)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoadBalancerIT {

    private RedisDeployment redis;
    private ChatCluster cluster;
    private ChatServer one;
    private ChatServer two;
    private Nginx nginx;
    /** The failover test's own balancer, in front of node two and the node that test stops. */
    private Nginx failoverNginx;
    /** The rate limit test's own balancer: it uses up the handshake allowance of 127.0.0.1 there. */
    private Nginx limitsNginx;

    @RegisterExtension
    final TestExecutionExceptionHandler nginxLog = Nginx.logTailOnFailure(
            () -> failoverNginx != null ? failoverNginx : limitsNginx != null ? limitsNginx : nginx);

    /** The Redis mode of the nodes; the {@code *HA} subclasses name the other two. */
    protected RedisMode mode() {
        return RedisMode.STANDALONE;
    }

    @BeforeAll
    void start() {
        redis = mode().start();
        cluster = new ChatCluster(redis);
        one = cluster.startNode();
        two = cluster.startNode();
        nginx = Nginx.inFrontOf(one, two);
    }

    @AfterEach
    void stopFailoverNginx() {
        if (failoverNginx != null) {
            failoverNginx.close();
            failoverNginx = null;
        }
        if (limitsNginx != null) {
            limitsNginx.close();
            limitsNginx = null;
        }
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (nginx != null) {
                nginx.close();
            }
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            if (redis != null) {
                redis.close();
            }
        }
    }

    @Test
    void pagesAndProbesAnswerThroughTheProxy() {
        URI index = nginx.httpBase().resolve("chat/");
        URI room = nginx.httpBase().resolve("chat/2330/");
        bothNodes(() -> assertEquals(index, redirectTarget(Http.get(nginx.httpBase())),
                "a redirect stays on the balancer's address, never a node's"));
        bothNodes(() -> assertEquals(room, redirectTarget(Http.get(nginx.httpBase().resolve("chat/2330")))));
        bothNodes(() -> assertPage(index, "room-name-input"));
        bothNodes(() -> assertPage(room, "chat-log"));
        bothNodes(() -> assertPage(nginx.httpBase().resolve("healthz"), "ok"));
        bothNodes(() -> assertPage(nginx.httpBase().resolve("readyz"), "ready"));
    }

    @Test
    void clientsOnDifferentNodesChatThroughTheProxyWithAndWithoutTheSlash() {
        for (String slash : List.of("/", "")) {
            String room = slash.isEmpty() ? "lb_no_slash" : "lb_slash";
            URI socket = nginx.wsBase().resolve("ws/chat/" + room + slash);
            try (ChatClient ann = ChatClient.connect(socket, sameHostOrigin());
                 ChatClient bob = ChatClient.connect(socket, sameHostOrigin())) {
                assertEquals(2, subscribers(room), "round robin put the two sockets of " + socket
                        + " on different nodes, so both nodes subscribe to the room");

                ann.say("hello from ann");
                JsonObject annSees = ann.nextChat();
                assertEquals("hello from ann", annSees.getString("message"));
                assertEquals(annSees, bob.nextChat(), "the same frame on both nodes");

                bob.say("hello from bob");
                JsonObject bobSees = bob.nextChat();
                assertEquals(annSees.getInt("id") + 1, bobSees.getInt("id"));
                assertEquals(bobSees, ann.nextChat());
            }
        }
    }

    /**
     * Two lines against a foreign name: nginx's catch-all server closes the connection for names it does not serve
     * (444), and for a name it serves but the nodes do not allow ({@code chat.example.com} is not in their default
     * {@code CHAT_ALLOWED_HOSTS}) the node answers 400, so nginx passed the client's Host on.
     */
    @Test
    void unknownHostNamesAreRefusedByNginxAndByTheNodesBehindIt() {
        for (String request : List.of(RawHttp.get("/chat/", "evil.example"),
                RawHttp.handshake("GET", "/ws/chat/hosts/", "evil.example", "websocket", "http://evil.example"))) {
            RawHttp.Response response = RawHttp.send(nginx.port(), request);
            assertTrue(response.closedWithoutAnswer(), "nginx closes at once (444), got " + response);
        }
        bothNodes(() -> {
            RawHttp.Response page = RawHttp.send(nginx.port(), RawHttp.get("/chat/", "chat.example.com"));
            assertEquals(400, page.status(), page.body());
            assertTrue(page.body().contains("CHAT_ALLOWED_HOSTS"), page.body());
        });
        bothNodes(() -> assertEquals(400, RawHttp.send(nginx.port(), RawHttp.handshake("GET", "/ws/chat/hosts/",
                "chat.example.com", "websocket", "http://chat.example.com")).status()));
        bothNodes(() -> assertEquals(101, RawHttp.send(nginx.port(), RawHttp.handshake("GET", "/ws/chat/hosts/",
                "localhost:" + nginx.port(), "websocket", "http://localhost:" + nginx.port())).status()));
    }

    /**
     * The shipped handshake limit per address (10 a second, bursts of 40): a script that opens sockets as fast as it
     * can gets 429 from nginx after the burst, before its handshakes reach a node. Refused handshakes (403) count
     * too, so the test needs no open sockets. Its own nginx, so the other tests keep their allowance.
     */
    @Test
    void handshakesBeyondTheBurstGet429FromNginx() {
        limitsNginx = Nginx.inFrontOf(one, two);
        int accepted = 0;
        int limited = 0;
        for (int i = 0; i < 100; i++) {
            int status = RawHttp.send(limitsNginx.port(), RawHttp.handshake("GET", "/ws/chat/limits/",
                    "127.0.0.1:" + limitsNginx.port(), "websocket", "http://evil.example")).status();
            if (status == 403) {
                accepted++;
            } else if (status == 429) {
                limited++;
            } else {
                throw new AssertionError("handshake " + i + " got " + status);
            }
        }
        assertTrue(accepted >= 40, accepted + " reached a node: the burst of 40 is let through");
        assertTrue(limited > 0 && accepted < 100, limited + " got 429");
        assertEquals(200, Http.status(limitsNginx.httpBase().resolve("chat/")), "pages are not limited");
    }

    /**
     * The node compares the Origin's host with the Host header it receives, so nginx must pass on the client's
     * Host. Reaching nginx as {@code localhost} tells the two apart: the node must see {@code localhost}, not the
     * upstream address it was dialled at (127.0.0.1) nor the upstream's name ({@code chat_nodes}).
     */
    @Test
    void theOriginCheckSeesTheClientsHostThroughTheProxy() {
        URI socket = nginx.wsBase().resolve("ws/chat/origins/");
        URI viaLocalhost = URI.create("ws://localhost:" + nginx.port() + "/ws/chat/origins/");
        bothNodes(() -> assertAccepted(socket, sameHostOrigin()));
        bothNodes(() -> assertAccepted(socket, "https://127.0.0.1"));
        bothNodes(() -> assertAccepted(viaLocalhost, "http://localhost:" + nginx.port()));
        bothNodes(() -> assertEquals(403, ChatClient.refusedStatus(socket, "http://evil.example")));
        bothNodes(() -> assertEquals(403,
                ChatClient.refusedStatus(socket, "http://127.0.0.1.evil.example:" + nginx.port())));
        bothNodes(() -> assertEquals(403, ChatClient.refusedStatus(viaLocalhost, sameHostOrigin()),
                "the node saw the client's Host (localhost), not its own address"));
    }

    @Test
    void whenANodeStopsItsClientsReconnectThroughTheProxyToTheOtherNode() throws Exception {
        ChatServer doomed = cluster.startNode();
        failoverNginx = Nginx.inFrontOf(doomed, two);
        String room = "failover";
        URI socket = failoverNginx.wsBase().resolve("ws/chat/" + room + "/");
        String origin = "http://127.0.0.1:" + failoverNginx.port();
        try (ChatClient ann = ChatClient.connect(socket, origin)) {
            boolean annOnDoomed = isOnNode(room, doomed);
            try (ChatClient bob = ChatClient.connect(socket, origin)) {
                assertEquals(2, subscribers(room), "ann and bob are on different nodes");
                ChatClient leaving = annOnDoomed ? ann : bob;
                ChatClient staying = annOnDoomed ? bob : ann;

                leaving.say("before");
                JsonObject before = leaving.nextChat();
                assertEquals(before, staying.nextChat());

                cluster.stop(doomed);
                assertEquals(1001, leaving.awaitClose().code(), "going away, through nginx");

                for (int i = 0; i < 4; i++) {
                    assertEquals(200, Http.status(failoverNginx.httpBase().resolve("readyz")),
                            "plain requests skip the stopped node");
                }
                try (ChatClient back = ChatClient.connect(socket, origin);
                     ChatClient newcomer = ChatClient.connect(socket, origin)) {
                    Eventually.until("only the surviving node subscribes to " + room, Duration.ofSeconds(10),
                            () -> subscribers(room) == 1);
                    back.say("after");
                    for (ChatClient client : List.of(back, newcomer, staying)) {
                        JsonObject after = client.nextChat();
                        assertEquals("after", after.getString("message"));
                        assertEquals(before.getInt("id") + 1, after.getInt("id"), "nothing lost in between");
                    }
                    staying.say("welcome back");
                    for (ChatClient client : List.of(back, newcomer, staying)) {
                        assertEquals("welcome back", client.nextChat().getString("message"));
                    }
                    assertFalse(staying.isClosed(), "the surviving node's client noticed nothing");
                    assertEquals(List.of(), staying.pending(), "no error frame, nothing twice");
                }
            }
        }
    }

    /**
     * Whether the one socket in {@code room} is on {@code node}: a direct probe there adds a subscriber to the room
     * in Redis only if that socket is elsewhere.
     */
    private boolean isOnNode(String room, ChatServer node) {
        assertEquals(1, subscribers(room));
        boolean there;
        try (ChatClient probe = ChatClient.join(node.wsBase(), room)) {
            there = subscribers(room) == 1;
        }
        Eventually.until("the probe's node left " + room, Duration.ofSeconds(10), () -> subscribers(room) == 1);
        return there;
    }

    /** Twice in a row: nginx's round robin sends one request to each node. */
    private static void bothNodes(Runnable check) {
        check.run();
        check.run();
    }

    private static void assertPage(URI uri, String content) {
        HttpResponse<String> page = Http.get(uri);
        assertEquals(200, page.statusCode(), uri.toString());
        assertTrue(page.body().contains(content), uri + " answered " + page.body());
    }

    private static void assertAccepted(URI socket, String origin) {
        try (ChatClient client = ChatClient.connect(socket, origin)) {
            client.say("from " + origin);
            assertEquals("from " + origin, client.nextChat().getString("message"));
        }
    }

    private long subscribers(String room) {
        return redis.subscribers(cluster.channel(room));
    }

    /** The Origin of a page served through nginx. */
    private String sameHostOrigin() {
        return "http://127.0.0.1:" + nginx.port();
    }

    private static URI redirectTarget(HttpResponse<String> response) {
        assertEquals(302, response.statusCode(), response.uri() + " answered " + response.body());
        return response.uri().resolve(response.headers().firstValue("Location").orElseThrow());
    }
}
