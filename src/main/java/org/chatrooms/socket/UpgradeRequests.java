package org.chatrooms.socket;

import java.util.Base64;
import java.util.Collections;
import java.util.Enumeration;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Which requests are WebSocket handshakes, decided as the containers decide it, so that {@link HandshakeFilter}
 * guards exactly the requests they upgrade. A filter that is looser than the container leaves a way around the
 * Origin check: Tomcat upgrades {@code Upgrade: websocket, foo}, which an exact comparison with {@code websocket}
 * misses. One that is stricter holds rooms for requests that are never upgraded.
 *
 * <p>Three sets, each inside the next:
 * <ul>
 *   <li>{@link #isHandshake}: a complete, valid handshake, one that Tomcat answers with 101 unless the application
 *       refuses it: only these may take a room hold;</li>
 *   <li>{@link #isWebSocketUpgrade}: what Tomcat's {@code WsFilter} hands to its upgrade code
 *       ({@code UpgradeUtil.isWebSocketUpgradeRequest}, 10.1.62);</li>
 *   <li>{@link #mayBeUpgraded}: anything a supported container might upgrade, for the Origin check. Tyrus (Payara,
 *       GlassFish) starts its upgrade for any request with a {@code Sec-WebSocket-Key} header and does not check
 *       the method, so this set is wider than Tomcat's. Refusing a foreign Origin on a request that Tomcat would not
 *       upgrade anyway costs nothing.</li>
 * </ul>
 * Header lists are split at commas and compared case-insensitively, token by token, as Tomcat does.
 */
public final class UpgradeRequests {

    private UpgradeRequests() {
    }

    /**
     * Tomcat's rule for "this is a WebSocket upgrade request": method {@code GET} (exactly, as Tomcat compares it),
     * protocol {@code HTTP/1.1}, and the token {@code websocket} in an {@code Upgrade} header.
     */
    public static boolean isWebSocketUpgrade(HttpServletRequest request) {
        return "GET".equals(request.getMethod()) && "HTTP/1.1".equals(request.getProtocol())
                && headerContainsToken(request, "Upgrade", "websocket");
    }

    /**
     * An upgrade request that Tomcat goes on to accept: also {@code Connection} with the token {@code upgrade},
     * exactly one {@code Sec-WebSocket-Version} and it is {@code 13}, exactly one {@code Sec-WebSocket-Key} and it is
     * 16 bytes in base64. Tomcat answers the others 400 or 426 (see {@code UpgradeUtil.doUpgrade}).
     */
    public static boolean isHandshake(HttpServletRequest request) {
        if (!isWebSocketUpgrade(request) || !headerContainsToken(request, "Connection", "upgrade")) {
            return false;
        }
        if (count(request.getHeaders("Sec-WebSocket-Version")) != 1 || count(request.getHeaders("Sec-WebSocket-Key")) != 1) {
            return false;
        }
        return "13".equals(request.getHeader("Sec-WebSocket-Version").trim())
                && isValidKey(request.getHeader("Sec-WebSocket-Key"));
    }

    /** Any request some supported container may upgrade: the {@code websocket} token, or a handshake key (Tyrus). */
    public static boolean mayBeUpgraded(HttpServletRequest request) {
        return headerContainsToken(request, "Upgrade", "websocket") || request.getHeader("Sec-WebSocket-Key") != null;
    }

    private static boolean isValidKey(String key) {
        if (key == null || key.length() != 24) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(key).length == 16;
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
    }

    private static boolean headerContainsToken(HttpServletRequest request, String name, String token) {
        Enumeration<String> values = request.getHeaders(name);
        while (values != null && values.hasMoreElements()) {
            for (String candidate : values.nextElement().split(",")) {
                if (token.equalsIgnoreCase(candidate.trim())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static int count(Enumeration<String> values) {
        return values == null ? 0 : Collections.list(values).size();
    }
}
