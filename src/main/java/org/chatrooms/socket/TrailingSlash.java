package org.chatrooms.socket;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

/**
 * Serves {@code /ws/chat/<room>/}, the form clients of the original app connect to, with the one endpoint template
 * {@code /ws/chat/{room}}: {@link HandshakeFilter} hands such handshakes to the container's upgrade filter without
 * the slash.
 *
 * <p>Why not a second template {@code /ws/chat/{room}/}: containers disagree about it, and refusing it costs more
 * than that template. Tomcat 10.1 from 10.1.59 accepts it and needs it; Tomcat 11 refuses it ("empty segments"),
 * and a refused {@code addEndpoint} there fails the whole WebSocket deployment: no endpoint of the application is
 * left. Tyrus (Payara, GlassFish) drops the slash from templates but not from requests, and reports the duplicate
 * only when its upgrade filter starts, which then fails and with it every socket of the application.
 */
final class TrailingSlash {

    private TrailingSlash() {
    }

    /**
     * The same handshake request with one trailing slash removed from its path, in every form a container may
     * match on (Tyrus reads the request URI, Tomcat the servlet path and path info). Everything else, the upgrade
     * included, goes to the real request.
     */
    static HttpServletRequest stripped(HttpServletRequest request) {
        return new HttpServletRequestWrapper(request) {
            @Override
            public String getRequestURI() {
                return ChatPaths.stripOneTrailingSlash(super.getRequestURI());
            }

            @Override
            public StringBuffer getRequestURL() {
                return new StringBuffer(ChatPaths.stripOneTrailingSlash(super.getRequestURL().toString()));
            }

            @Override
            public String getServletPath() {
                return super.getPathInfo() == null
                        ? ChatPaths.stripOneTrailingSlash(super.getServletPath()) : super.getServletPath();
            }

            @Override
            public String getPathInfo() {
                String pathInfo = super.getPathInfo();
                return pathInfo == null ? null : ChatPaths.stripOneTrailingSlash(pathInfo);
            }
        };
    }
}
