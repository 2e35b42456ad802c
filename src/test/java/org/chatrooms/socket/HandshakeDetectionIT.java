package org.chatrooms.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.concurrent.atomic.AtomicInteger;

import org.chatrooms.dev.ChatServer;
import org.chatrooms.testing.ChatCluster;
import org.chatrooms.testing.RawHttp;
import org.chatrooms.testing.RawHttp.Response;
import org.chatrooms.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import redis.clients.jedis.Jedis;

/**
 * The handshake filter guards the requests the container upgrades, no fewer and no more: the Origin check catches
 * {@code Upgrade: websocket, foo} (which Tomcat upgrades), and requests that are not complete handshakes take no
 * room hold, which with the Redis relay would be a Redis subscription an attacker could pile up. One node of the
 * built WAR on embedded Tomcat, with a real Redis; each test uses rooms of its own.
 */
@Timeout(60)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HandshakeDetectionIT {

    private static final String FOREIGN = "http://evil.example";

    private RedisServer redis;
    private ChatCluster cluster;
    private ChatServer node;
    private Jedis admin;
    private final AtomicInteger rooms = new AtomicInteger();

    @BeforeAll
    void start() {
        redis = RedisServer.start();
        cluster = new ChatCluster(redis);
        node = cluster.startNode();
        admin = redis.admin();
    }

    @AfterAll
    void stop() throws Exception {
        try (RedisServer r = redis; ChatCluster c = cluster; Jedis a = admin) {
            // closed in reverse order, each even if another fails
        }
    }

    private String sameHost() {
        return "http://127.0.0.1:" + node.port();
    }

    private String host() {
        return "127.0.0.1:" + node.port();
    }

    private String newRoom() {
        return "detect_" + rooms.incrementAndGet();
    }

    @ParameterizedTest
    @ValueSource(strings = {"websocket, foo", "foo, websocket", "WebSocket,h2c"})
    void anUpgradeListWithTheWebsocketTokenIsOriginChecked(String upgrade) {
        for (String slash : new String[] {"", "/"}) {
            String path = "/ws/chat/" + newRoom() + slash;
            Response foreign = RawHttp.send(node.port(), RawHttp.handshake("GET", path, host(), upgrade, FOREIGN));
            assertEquals(403, foreign.status(), "a foreign Origin with Upgrade: " + upgrade + " to " + path);
            // The control: Tomcat upgrades this form, so a check that missed it would let the foreign page in.
            Response same = RawHttp.send(node.port(), RawHttp.handshake("GET", path, host(), upgrade, sameHost()));
            assertEquals(101, same.status(), "Tomcat upgrades Upgrade: " + upgrade + " to " + path);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "HEAD", "PUT"})
    void otherMethodsWithUpgradeWebsocketAreNotHandshakesAndHoldNoRoom(String method) {
        String room = newRoom();
        Response response = RawHttp.send(node.port(),
                RawHttp.handshake(method, "/ws/chat/" + room + "/", host(), "websocket", sameHost()));
        assertNotEquals(101, response.status(), method + " is never upgraded");
        assertEquals(0, subscribers(room), method + " took a room hold (a Redis subscription)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "HEAD"})
    void otherMethodsWithUpgradeWebsocketStillGetTheOriginCheck(String method) {
        // Tyrus (Payara) starts its upgrade for any method that carries a key: the check covers them everywhere.
        Response response = RawHttp.send(node.port(),
                RawHttp.handshake(method, "/ws/chat/" + newRoom() + "/", host(), "websocket", FOREIGN));
        assertEquals(403, response.status());
    }

    @Test
    void incompleteHandshakesHoldNoRoom() {
        String path = "/ws/chat/%s/";
        String noKey = "GET " + path + " HTTP/1.1\r\nHost: " + host() + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nOrigin: " + sameHost() + "\r\n\r\n";
        String badKey = "GET " + path + " HTTP/1.1\r\nHost: " + host() + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\nOrigin: "
                + sameHost() + "\r\n\r\n";
        String oldVersion = "GET " + path + " HTTP/1.1\r\nHost: " + host() + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + RawHttp.newKey()
                + "\r\nSec-WebSocket-Version: 8\r\nOrigin: " + sameHost() + "\r\n\r\n";
        String noConnection = "GET " + path + " HTTP/1.1\r\nHost: " + host() + "\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Key: " + RawHttp.newKey() + "\r\nSec-WebSocket-Version: 13\r\nOrigin: "
                + sameHost() + "\r\n\r\n";
        record Case(String name, String request, int status) {
        }
        for (Case c : new Case[] {new Case("no key", noKey, 400), new Case("bad key", badKey, 400),
                new Case("version 8", oldVersion, 426), new Case("no Connection: upgrade", noConnection, 400)}) {
            String room = newRoom();
            Response response = RawHttp.send(node.port(), String.format(c.request(), room));
            assertEquals(c.status(), response.status(), c.name() + " (Tomcat's answer)");
            assertEquals(0, subscribers(room), c.name() + " took a room hold");
        }
    }

    @Test
    void aCompleteHandshakeDoesSubscribeTheRoom() {
        // The control for the tests above: the check would see a hold if there were one.
        String room = newRoom();
        Response response = RawHttp.send(node.port(),
                RawHttp.handshake("GET", "/ws/chat/" + room + "/", host(), "websocket", sameHost()));
        assertEquals(101, response.status());
        assertEquals(1, subscribers(room), "joined before the 101");
    }

    /**
     * Subscribers of the room's channel right after the answer. A hold subscribes before the request goes on to
     * the container (the handshake waits for it), so a hold would already show here.
     */
    private long subscribers(String room) {
        String channel = cluster.channel(room);
        return admin.pubsubNumSub(channel).get(channel);
    }
}
