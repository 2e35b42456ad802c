package org.chatrooms.web;

import java.io.IOException;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.chatrooms.app.ChatNode;
import org.chatrooms.logging.LogText;
import org.chatrooms.logging.ThrottledLog;

/**
 * Answers 400 to every request whose {@code Host} is not allowed ({@link HostPolicy}, {@code CHAT_ALLOWED_HOSTS}),
 * pages and WebSocket handshakes alike, as Django does for {@code ALLOWED_HOSTS}. Declared first in {@code web.xml},
 * so nothing else (the handshake's room hold included) runs for such a request.
 *
 * <p>The answer is a small page in the request's language that names the setting, and nothing of the request: the
 * refused Host is attacker-chosen text. The refusals are logged at most once a minute, with a count.
 *
 * <p>Not checked: {@code /healthz}, {@code /readyz} and {@code /metrics}. Load balancers, orchestrators and
 * Prometheus reach each node by its address (Kubernetes sends the pod's IP as Host), and what they read is nothing
 * a rebound page could use against a user.
 */
public final class AllowedHostsFilter extends HttpFilter {

    private static final Logger LOG = Logger.getLogger(AllowedHostsFilter.class.getName());
    private static final Duration LOG_INTERVAL = Duration.ofMinutes(1);

    private final ThrottledLog refusals = new ThrottledLog(LOG, Level.INFO, LOG_INTERVAL);
    private HostPolicy policy;

    @Override
    public void init() {
        policy = new HostPolicy(ChatNode.of(getServletContext()).config().allowedHosts());
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String host = request.getHeader("Host");
        if (policy.allows(host) || isProbe(request)) {
            chain.doFilter(request, response);
            return;
        }
        refusals.log(() -> "Refused a request for a host that is not in " + HostPolicy.SETTING + ": Host "
                + LogText.quote(host) + " from " + request.getRemoteAddr());
        UiText text = UiText.forAcceptLanguage(request.getHeader("Accept-Language"));
        response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
        response.setContentType("text/html;charset=UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.getWriter().write(page(text));
    }

    private static boolean isProbe(HttpServletRequest request) {
        String path = request.getServletPath();
        return HealthServlet.HEALTH_PATH.equals(path) || HealthServlet.READY_PATH.equals(path)
                || "/metrics".equals(path);
    }

    /** Our own texts only; the setting's name is in them so that an operator who sees the page knows what to change. */
    static String page(UiText text) {
        return "<!DOCTYPE html>\n<html lang=\"" + Html.escape(text.languageTag()) + "\">\n<head>\n"
                + "<meta charset=\"utf-8\">\n<title>" + Html.escape(text.get("badHost.title")) + "</title>\n</head>\n"
                + "<body>\n<h1>" + Html.escape(text.get("badHost.title")) + "</h1>\n"
                + "<p>" + Html.escape(text.get("badHost.text")) + "</p>\n</body>\n</html>\n";
    }
}
