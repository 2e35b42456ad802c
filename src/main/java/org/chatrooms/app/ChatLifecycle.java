package org.chatrooms.app;

import java.util.logging.Logger;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.websocket.server.ServerContainer;

import org.chatrooms.config.ChatConfig;
import org.chatrooms.config.Settings;
import org.chatrooms.socket.ChatEndpointConfigurator;

/**
 * Starts the chat node when the web application starts and stops it when the application stops (undeploy,
 * redeploy, server shutdown), so no thread or connection outlives the application.
 */
public final class ChatLifecycle implements ServletContextListener {

    private static final Logger LOG = Logger.getLogger(ChatLifecycle.class.getName());

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        ChatConfig config = ChatConfig.from(Settings.layered(context::getInitParameter));
        ServerContainer container = (ServerContainer) context.getAttribute(ServerContainer.class.getName());
        if (container == null) {
            throw new IllegalStateException("This server has no WebSocket support (jakarta.websocket.server.ServerContainer)");
        }
        // Frames up to the configured size must reach our code, which answers with a clear error; the
        // container's default (8 KiB on Tomcat) would close bigger ones with 1009 first.
        container.setDefaultMaxTextMessageBufferSize(config.maxFrameChars());

        ChatNode node = ChatNode.start(config);
        context.setAttribute(ChatNode.CONTEXT_ATTRIBUTE, node);
        ChatEndpointConfigurator.install(node);
        LOG.info(() -> "Chat node started with " + node.relay().getClass().getSimpleName());
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        ChatNode node = (ChatNode) context.getAttribute(ChatNode.CONTEXT_ATTRIBUTE);
        ChatEndpointConfigurator.uninstall(node);
        context.removeAttribute(ChatNode.CONTEXT_ATTRIBUTE);
        if (node != null) {
            node.close();
        }
    }
}
