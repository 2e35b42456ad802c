package org.chatrooms.socket;

import java.util.Objects;

import jakarta.websocket.server.ServerEndpointConfig;

import org.chatrooms.app.ChatNode;

/**
 * Creates {@link ChatEndpoint} instances with their node. The container instantiates configurators of annotated
 * endpoints itself, with no access to the web application, so the node reaches them through the one static
 * hand-off below: installed by the application's lifecycle on start, removed on stop. The static lives in the
 * web application's class loader, so each deployment (and each node in a multi-node test JVM) has its own.
 */
public class ChatEndpointConfigurator extends ServerEndpointConfig.Configurator {

    private static volatile ChatNode node;

    public static void install(ChatNode running) {
        node = Objects.requireNonNull(running);
    }

    public static void uninstall(ChatNode stopping) {
        if (node == stopping) {
            node = null;
        }
    }

    @Override
    public <T> T getEndpointInstance(Class<T> endpointClass) throws InstantiationException {
        ChatNode current = node;
        if (current == null || !endpointClass.equals(ChatEndpoint.class)) {
            throw new InstantiationException("Chat node not running");
        }
        return endpointClass.cast(new ChatEndpoint(current));
    }
}
