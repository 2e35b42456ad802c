package org.chatrooms.web;

import java.io.IOException;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.chatrooms.app.ChatNode;

/**
 * Probes for load balancers and orchestrators, plain text and cheap (no Redis round trip: the relay keeps its own
 * liveness, and a probe must not add load to a struggling Redis):
 * <ul>
 *   <li>{@code /healthz}: 200 {@code ok} whenever the application answers at all (liveness: restart me if not);</li>
 *   <li>{@code /readyz}: 200 {@code ready} while the relay can carry chat, which for Redis means its subscribed
 *       connection answers pings and publishing works, else 503 {@code not ready} (send new users elsewhere).</li>
 * </ul>
 * Stateless; container threads call it concurrently.
 */
public final class HealthServlet extends HttpServlet {

    static final String HEALTH_PATH = "/healthz";
    static final String READY_PATH = "/readyz";

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain;charset=UTF-8");
        response.setHeader("Cache-Control", "no-store");
        if (READY_PATH.equals(request.getServletPath()) && !isReady()) {
            response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            response.getWriter().write("not ready");
        } else {
            response.getWriter().write(READY_PATH.equals(request.getServletPath()) ? "ready" : "ok");
        }
    }

    private boolean isReady() {
        try {
            return ChatNode.of(getServletContext()).isReady();
        } catch (IllegalStateException notRunning) {
            return false;
        }
    }
}
