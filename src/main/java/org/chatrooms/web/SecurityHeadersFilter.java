package org.chatrooms.web;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Headers for every page and static file: scripts and styles only from this origin (no inline script), sockets
 * only to this origin, and no framing or MIME sniffing.
 */
public final class SecurityHeadersFilter extends HttpFilter {

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        response.setHeader("Content-Security-Policy", contentSecurityPolicy(request.getHeader("Host")));
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "same-origin");
        chain.doFilter(request, response);
    }

    /**
     * {@code connect-src 'self'} covers ws: and wss: to the same host only in newer browsers (CSP 3), so the
     * page's own host is also listed with both socket schemes.
     */
    static String contentSecurityPolicy(String host) {
        String sockets = host != null && host.matches("[A-Za-z0-9.\\-\\[\\]:]+")
                ? " ws://" + host + " wss://" + host : "";
        return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                + "connect-src 'self'" + sockets + "; object-src 'none'; base-uri 'none'; form-action 'self'; "
                + "frame-ancestors 'none'";
    }
}
