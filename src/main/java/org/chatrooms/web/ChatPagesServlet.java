package org.chatrooms.web;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.chatrooms.app.ChatNode;
import org.chatrooms.protocol.DisplayName;
import org.chatrooms.room.RoomName;

/**
 * The pages: {@code /chat/} is the index ({@code /} redirects there, through the welcome file {@code index.jsp});
 * {@code /chat/<room>/} is a room. Paths are container-decoded, so percent-encoded UTF-8 room names arrive as text.
 * Anything else under {@code /chat/}, including a bad room name, is a 404 page.
 */
public final class ChatPagesServlet extends HttpServlet {

    static final String INDEX_JSP = "/WEB-INF/jsp/index.jsp";
    static final String ROOM_JSP = "/WEB-INF/jsp/room.jsp";
    private static final JsonProvider JSON = JsonProvider.provider();

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        String base = request.getContextPath() + "/chat/";
        String path = request.getPathInfo();
        if (request.getUserPrincipal() != null) {
            // The page carries the signed-in user's name: no shared cache may keep it, no browser store it.
            response.setHeader("Cache-Control", "private, no-store");
        }
        if (path == null) {
            response.sendRedirect(base);
        } else if (path.equals("/")) {
            request.setAttribute("pageJson", Html.jsonForScript(pageConfig(request, null)));
            response.setHeader("Vary", "Accept-Language");
            request.getRequestDispatcher(INDEX_JSP).forward(request, response);
        } else {
            serveRoom(path.substring(1), base, request, response);
        }
    }

    /**
     * What the page scripts need from the server, embedded as {@code <script id="chat-config"
     * type="application/json">}: the room, the authenticated user's name (then the page offers no name field),
     * the limits the server enforces (so the page can say so before sending) and the scripts' texts.
     */
    private static JsonObject pageConfig(HttpServletRequest request, RoomName room) {
        UiText text = LanguageFilter.of(request);
        JsonObjectBuilder config = JSON.createObjectBuilder();
        if (room != null) {
            config.add("room", room.value());
        }
        DisplayName.ofPrincipal(request.getUserPrincipal()).ifPresentOrElse(
                user -> config.add("user", user.value()), () -> config.addNull("user"));
        config.add("lang", text.languageTag())
                .add("nameMaxLength", DisplayName.MAX_LENGTH)
                .add("maxMessageChars", ChatNode.of(request.getServletContext()).config().maxMessageChars());
        JsonObjectBuilder scriptTexts = JSON.createObjectBuilder();
        text.forScript().forEach(scriptTexts::add);
        return config.add("text", scriptTexts).build();
    }

    private static void serveRoom(String rest, String base, HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        boolean slash = rest.endsWith("/");
        String name = slash ? rest.substring(0, rest.length() - 1) : rest;
        var room = RoomName.parse(name);
        if (room.isEmpty()) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND, "No such room");
        } else if (!slash) {
            response.sendRedirect(base + URLEncoder.encode(name, StandardCharsets.UTF_8) + "/");
        } else {
            request.setAttribute("roomHtml", Html.escape(room.get().value()));
            request.setAttribute("roomJson", Html.jsonForScript(room.get().value()));
            request.setAttribute("pageJson", Html.jsonForScript(pageConfig(request, room.get())));
            response.setHeader("Vary", "Accept-Language");
            request.getRequestDispatcher(ROOM_JSP).forward(request, response);
        }
    }
}
