package org.chatrooms.socket;

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

    static String stripOneTrailingSlash(String segment) {
        return segment.endsWith("/") ? segment.substring(0, segment.length() - 1) : segment;
    }
}
