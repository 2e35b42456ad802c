package org.chatrooms.socket;

import java.io.IOException;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.chatrooms.logging.LogText;
import org.chatrooms.logging.ThrottledLog;

/**
 * Guards the WebSocket handshake before the container upgrades it: a foreign {@code Origin} gets 403 and a bad
 * room name 404, as plain HTTP answers the client can see. (Joining the room happens later, in
 * {@link ChatEndpointConfigurator#modifyHandshake}, which containers call only for requests they really upgrade.)
 *
 * <p>Why a filter and not {@code Configurator.checkOrigin}: that method gets only the Origin value, but the rule
 * (Django's {@code AllowedHostsOriginValidator}) compares it with the request's {@code Host}. Declared in
 * {@code web.xml}, this filter runs before the containers' own upgrade filters (Tomcat's {@code WsFilter},
 * Tyrus' {@code TyrusServletFilter}), which are added programmatically after the application's filters. It also
 * hands {@code /ws/chat/<room>/} on as {@code /ws/chat/<room>}, the endpoint's one template ({@link TrailingSlash}).
 */
public final class HandshakeFilter extends HttpFilter {

    private static final Logger LOG = Logger.getLogger(HandshakeFilter.class.getName());
    /** Refusals are attacker-driven: one line a minute with a count, values cut to {@link LogText#MAX_CHARS}. */
    private final ThrottledLog refusals = new ThrottledLog(LOG, Level.INFO, Duration.ofMinutes(1));
    private final ThrottledLog capped = new ThrottledLog(LOG, Level.WARNING, Duration.ofMinutes(1));

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        // Every request a container may upgrade is checked, not only Tomcat's kind (see UpgradeRequests).
        if (!UpgradeRequests.mayBeUpgraded(request)) {
            chain.doFilter(request, response);
            return;
        }
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        var room = ChatPaths.socketRoom(path);
        if (room.isEmpty()) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND, "Not a chat room");
            return;
        }
        SocketHub hub = SocketHub.of(request.getServletContext());
        if (hub.isClosing()) {
            // Draining: send the client to another node at once (its page reconnects with jitter).
            response.setHeader("Retry-After", "1");
            response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "Server shutting down");
            return;
        }
        OriginPolicy policy = hub.originPolicy();
        String origin = request.getHeader("Origin");
        if (!policy.allows(origin, request.getHeader("Host"))) {
            refusals.log(() -> "Refused WebSocket handshake from Origin " + LogText.quote(origin) + " to Host "
                    + LogText.quote(request.getHeader("Host")) + " from " + request.getRemoteAddr());
            response.sendError(HttpServletResponse.SC_FORBIDDEN, "Origin not allowed");
            return;
        }
        // Every request a container may upgrade: Tyrus upgrades some that Tomcat would not (UpgradeRequests).
        String address = hub.clientAddress(request);
        var refusal = hub.refusal(room.get(), address);
        if (refusal.isPresent()) {
            capped.log(() -> "Refused WebSocket handshakes over a cap: " + refusal.get().text() + " (last from "
                    + LogText.quote(address) + ")");
            response.setHeader("Retry-After", "10");
            response.sendError(refusal.get().status(), refusal.get().text());
            return;
        }
        HttpServletRequest upgrade = path.endsWith("/") ? TrailingSlash.stripped(request) : request;
        chain.doFilter(ClientAddress.attach(upgrade, address), response);
    }

    /**
     * The application begins to stop: drain the sockets now ({@link SocketHub#drain}). Containers destroy filters
     * before they notify any context listener (Servlet 6.0, {@code ServletContextListener.contextDestroyed}), and a
     * container's WebSocket implementation closes every socket at once in its listener (Tomcat's does, with
     * 1001): this is the last moment the sockets can still be closed gradually.
     */
    @Override
    public void destroy() {
        try {
            SocketHub.of(getServletContext()).drain();
        } catch (IllegalStateException notRunning) {
            // the node never started: nothing to drain
        }
    }
}
