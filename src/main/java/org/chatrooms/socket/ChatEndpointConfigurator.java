package org.chatrooms.socket;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;

/**
 * Creates {@link ChatEndpoint} instances with their node's {@link SocketHub}, and joins each connecting client to
 * its room before the 101 goes out ({@link #modifyHandshake}).
 *
 * <p>The container instantiates configurators of annotated endpoints itself, with no access to the web
 * application, so the hub reaches them through the one static hand-off below: installed by the application's
 * lifecycle on start, removed on stop. The static lives in the web application's class loader, so each deployment
 * (and each node in a multi-node test JVM) has its own.
 *
 * <p>Why {@code modifyHandshake}: containers call it for a request they are about to upgrade (method, key and
 * version already checked), before they write the 101, on the handshake's thread. What it puts in the user
 * properties, a per-connection copy (Jakarta WebSocket 2.1, section 4.1.1.5), becomes the session's, so
 * {@code @OnOpen} finds the socket that was admitted for it.
 */
public class ChatEndpointConfigurator extends ServerEndpointConfig.Configurator {

    /** User property: the {@link RoomSocket} admitted for this connection. */
    static final String ADMITTED = RoomSocket.class.getName();

    private static volatile SocketHub hub;

    public static void install(SocketHub running) {
        hub = Objects.requireNonNull(running);
    }

    public static void uninstall(SocketHub stopping) {
        if (hub == stopping) {
            hub = null;
        }
    }

    @Override
    public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
        SocketHub current = hub;
        if (current == null || current.isClosing()) {
            return; // @OnOpen sends the socket away
        }
        ChatPaths.socketRoom(request.getRequestURI())
                .map(room -> current.admit(room, request.getParameterMap(), clientAddress(request),
                        request.getUserPrincipal()))
                .ifPresent(socket -> config.getUserProperties().put(ADMITTED, socket));
    }

    /** What the handshake filter found out about the client's address ({@link ClientAddress}), or null. */
    private static String clientAddress(HandshakeRequest request) {
        for (Map.Entry<String, List<String>> header : request.getHeaders().entrySet()) {
            if (ClientAddress.HEADER.equalsIgnoreCase(header.getKey()) && !header.getValue().isEmpty()) {
                return header.getValue().get(0);
            }
        }
        return null;
    }

    @Override
    public <T> T getEndpointInstance(Class<T> endpointClass) throws InstantiationException {
        SocketHub current = hub;
        if (current == null || !endpointClass.equals(ChatEndpoint.class)) {
            throw new InstantiationException("Chat node not running");
        }
        return endpointClass.cast(new ChatEndpoint(current));
    }
}
