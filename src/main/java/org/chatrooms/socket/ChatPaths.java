package org.chatrooms.socket;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.chatrooms.room.RoomName;

/**
 * The URL shapes of the chat: {@code /chat/<room>/} for pages and {@code /ws/chat/<room>/} for sockets, each
 * also without the trailing slash. Paths here are container-decoded and relative to the context path.
 */
public final class ChatPaths {

    public static final String SOCKET_TEMPLATE = "/ws/chat/{room}";
    public static final String SOCKET_PREFIX = "/ws/chat/";

    private ChatPaths() {
    }

    /** The room of a socket path {@code /ws/chat/<room>} or {@code /ws/chat/<room>/}, if the name is valid. */
    public static Optional<RoomName> socketRoom(String path) {
        if (path == null || !path.startsWith(SOCKET_PREFIX)) {
            return Optional.empty();
        }
        return RoomName.parse(stripOneTrailingSlash(path.substring(SOCKET_PREFIX.length())));
    }

    /**
     * The room of a handshake's request URI, as {@code HandshakeRequest.getRequestURI()} gives it (containers
     * differ: absolute or not, with or without the context path): the percent-decoded segment after the last
     * {@code /ws/chat/}.
     */
    public static Optional<RoomName> socketRoom(URI requestUri) {
        String path = requestUri.getRawPath();
        int start = path == null ? -1 : path.lastIndexOf(SOCKET_PREFIX);
        if (start < 0) {
            return Optional.empty();
        }
        String segment = stripOneTrailingSlash(path.substring(start + SOCKET_PREFIX.length()));
        try {
            return RoomName.parse(URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException malformed) {
            return Optional.empty();
        }
    }

    static String stripOneTrailingSlash(String segment) {
        return segment.endsWith("/") ? segment.substring(0, segment.length() - 1) : segment;
    }
}
