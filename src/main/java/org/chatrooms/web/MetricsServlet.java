package org.chatrooms.web;

import java.io.IOException;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.chatrooms.app.ChatNode;
import org.chatrooms.metrics.PrometheusMetrics;

/**
 * {@code GET /metrics}: the node's metrics in Prometheus text format (docs/operations.md lists them and what to
 * alert on); 404 with {@code CHAT_METRICS=false}. Like the probes it is outside {@code /chat/*} and {@code /ws/*}
 * and answers any allowed host; expose it to the scraper only (the shipped nginx config does not proxy it).
 */
public final class MetricsServlet extends HttpServlet {

    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ChatNode node;
        try {
            node = ChatNode.of(getServletContext());
        } catch (IllegalStateException notRunning) {
            response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "Not running");
            return;
        }
        if (!(node.metrics() instanceof PrometheusMetrics prometheus)) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND, "Metrics are off (CHAT_METRICS=false)");
            return;
        }
        response.setContentType(PROMETHEUS_TEXT);
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(prometheus.scrape());
    }
}
