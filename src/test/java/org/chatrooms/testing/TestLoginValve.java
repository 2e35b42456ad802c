package org.chatrooms.testing;

import java.io.IOException;
import java.util.List;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.realm.GenericPrincipal;
import org.apache.catalina.valves.ValveBase;
import org.chatrooms.dev.ChatServer;

/**
 * Stands in for container authentication (a realm, single sign-on; in the original app Django's
 * {@code AuthMiddlewareStack}): a request with the cookie {@value #COOKIE} or the query parameter
 * {@value #PARAMETER} arrives as that authenticated user, on pages and WebSocket handshakes alike. Tests only.
 */
public final class TestLoginValve extends ValveBase {

    public static final String COOKIE = "chat-test-login";
    public static final String PARAMETER = "test-login";

    public TestLoginValve() {
        super(true);
    }

    /** Adds the valve to a running server's web application; requests from then on may log in. */
    public static void install(ChatServer server) {
        server.context().getPipeline().addValve(new TestLoginValve());
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        String user = request.getParameter(PARAMETER);
        if (user == null && request.getCookies() != null) {
            for (Cookie cookie : request.getCookies()) {
                if (cookie.getName().equals(COOKIE)) {
                    user = cookie.getValue();
                }
            }
        }
        if (user != null && !user.isEmpty()) {
            request.setUserPrincipal(new GenericPrincipal(user, List.of()));
        }
        getNext().invoke(request, response);
    }
}
