package org.chatrooms.socket;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import jakarta.servlet.http.HttpServletRequest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The three sets of {@link UpgradeRequests} against Tomcat 10.1.62's rules ({@code UpgradeUtil}); the real
 * container's answers to the same requests are in {@code HandshakeDetectionIT}.
 */
class UpgradeRequestsTest {

    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "WebSocket", "websocket, foo", "foo, websocket", "foo,websocket ,bar",
            " websocket "})
    void theWebsocketTokenAnywhereInTheListIsAnUpgrade(String upgrade) {
        HttpServletRequest request = complete("GET", upgrade);
        assertTrue(UpgradeRequests.isWebSocketUpgrade(request), upgrade);
        assertTrue(UpgradeRequests.isHandshake(request), upgrade);
        assertTrue(UpgradeRequests.mayBeUpgraded(request), upgrade);
    }

    @ParameterizedTest
    @ValueSource(strings = {"websocketx", "web socket", "h2c", "websocket/13", "\"websocket\""})
    void otherUpgradeTokensAreNot(String upgrade) {
        HttpServletRequest request = complete("GET", upgrade);
        assertFalse(UpgradeRequests.isWebSocketUpgrade(request), upgrade);
        assertFalse(UpgradeRequests.isHandshake(request), upgrade);
    }

    @Test
    void aSecondUpgradeHeaderCountsToo() {
        assertTrue(UpgradeRequests.isHandshake(request("GET", "HTTP/1.1",
                handshake(Map.of("Upgrade", List.of("foo", "websocket"))))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "HEAD", "PUT", "get", "OPTIONS"})
    void onlyGetIsUpgradedByTomcatButEveryMethodIsOriginChecked(String method) {
        HttpServletRequest request = complete(method, "websocket");
        assertFalse(UpgradeRequests.isWebSocketUpgrade(request), method);
        assertFalse(UpgradeRequests.isHandshake(request), method);
        assertTrue(UpgradeRequests.mayBeUpgraded(request), method + ": Tyrus does not check the method");
    }

    @Test
    void http10IsNotUpgraded() {
        HttpServletRequest request = request("GET", "HTTP/1.0", handshake(Map.of()));
        assertFalse(UpgradeRequests.isWebSocketUpgrade(request));
        assertFalse(UpgradeRequests.isHandshake(request));
    }

    @Test
    void aCompleteHandshakeNeedsConnectionUpgradeOneValidKeyAndVersion13() {
        assertTrue(UpgradeRequests.isHandshake(request("GET", "HTTP/1.1", handshake(Map.of()))));
        assertTrue(UpgradeRequests.isHandshake(request("GET", "HTTP/1.1",
                handshake(Map.of("Connection", List.of("keep-alive, Upgrade"))))));
        for (Map<String, List<String>> broken : List.of(
                Map.of("Connection", List.of("keep-alive")),
                Map.of("Connection", List.<String>of()),
                Map.of("Sec-WebSocket-Key", List.<String>of()),
                Map.of("Sec-WebSocket-Key", List.of("short")),
                Map.of("Sec-WebSocket-Key", List.of("!!!!!!!!!!!!!!!!!!!!!!!!")),
                Map.of("Sec-WebSocket-Key", List.of("dGhlIHNhbXBsZSBub25jZSE=")), // 17 bytes
                Map.of("Sec-WebSocket-Key", List.of(KEY, KEY)),
                Map.of("Sec-WebSocket-Version", List.of("12")),
                Map.of("Sec-WebSocket-Version", List.<String>of()),
                Map.of("Sec-WebSocket-Version", List.of("13", "13")))) {
            HttpServletRequest request = request("GET", "HTTP/1.1", handshake(broken));
            assertFalse(UpgradeRequests.isHandshake(request), broken.toString());
            assertTrue(UpgradeRequests.isWebSocketUpgrade(request), broken + " still reaches Tomcat's upgrade code");
        }
    }

    @Test
    void aKeyWithoutUpgradeIsOriginCheckedForTyrusButIsNoHandshake() {
        HttpServletRequest request = bare("GET", "Sec-WebSocket-Key", KEY);
        assertTrue(UpgradeRequests.mayBeUpgraded(request));
        assertFalse(UpgradeRequests.isWebSocketUpgrade(request));
        assertFalse(UpgradeRequests.isHandshake(request));
    }

    @Test
    void aPlainRequestIsNothing() {
        HttpServletRequest request = bare("GET", "Connection", "upgrade");
        assertFalse(UpgradeRequests.mayBeUpgraded(request));
        assertFalse(UpgradeRequests.isWebSocketUpgrade(request));
    }

    /** A complete handshake's headers, with {@code replaced} ones swapped in (an empty list removes one). */
    private static Map<String, List<String>> handshake(Map<String, List<String>> replaced) {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.put("Upgrade", List.of("websocket"));
        headers.put("Connection", List.of("Upgrade"));
        headers.put("Sec-WebSocket-Key", List.of(KEY));
        headers.put("Sec-WebSocket-Version", List.of("13"));
        headers.putAll(replaced);
        return headers;
    }

    /** An HTTP/1.1 request with every handshake header, {@code Upgrade} set to {@code upgrade}. */
    private static HttpServletRequest complete(String method, String upgrade) {
        return request(method, "HTTP/1.1", handshake(Map.of("Upgrade", List.of(upgrade))));
    }

    /** An HTTP/1.1 request with only these {@code name, value} headers. */
    private static HttpServletRequest bare(String method, String... pairs) {
        Map<String, List<String>> given = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 0; i < pairs.length; i += 2) {
            given.computeIfAbsent(pairs[i], name -> new ArrayList<>()).add(pairs[i + 1]);
        }
        return request(method, "HTTP/1.1", given);
    }

    /** Just enough of a request for {@link UpgradeRequests}: method, protocol and headers. */
    private static HttpServletRequest request(String method, String protocol, Map<String, List<String>> headers) {
        Map<String, List<String>> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        byName.putAll(headers);
        return (HttpServletRequest) Proxy.newProxyInstance(UpgradeRequestsTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "getMethod" -> method;
                    case "getProtocol" -> protocol;
                    case "getHeader" -> byName.getOrDefault((String) args[0], List.of()).stream().findFirst()
                            .orElse(null);
                    case "getHeaders" -> Collections.enumeration(byName.getOrDefault((String) args[0], List.of()));
                    case "toString" -> method + " " + protocol + " " + byName.toString().toLowerCase(Locale.ROOT);
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }
}
