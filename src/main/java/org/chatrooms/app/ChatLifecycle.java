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
    /**
     * Each socket's text buffer in the container, allocated for every socket for as long as it is open (two bytes a
     * character): 256 characters hold a usual chat line in one part, and a longer frame costs only a few more
     * calls to {@code FrameAssembler}. It was 8 Ki (16 KiB of heap per socket), then 512; at 256 a socket on stock
     * Tomcat holds 0.5 KiB less (issue 12's 48 KiB target, where Tomcat's own buffers take 40 KiB).
     */
    private static final int CONTAINER_TEXT_BUFFER_CHARS = 256;
    private static final int CONTAINER_BINARY_BUFFER_BYTES = 128;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        ChatConfig config = ChatConfig.from(Settings.layered(context::getInitParameter));
        ServerContainer container = (ServerContainer) context.getAttribute(ServerContainer.class.getName());
        if (container == null) {
            throw new IllegalStateException("This server has no WebSocket support (jakarta.websocket.server.ServerContainer)");
        }
        // The container allocates this buffer for every socket up front; longer frames reach ChatEndpoint in
        // parts, which FrameAssembler joins up to CHAT_MAX_FRAME_CHARS (the limit is ours, not the buffer's).
        container.setDefaultMaxTextMessageBufferSize(Math.min(config.maxFrameChars(), CONTAINER_TEXT_BUFFER_CHARS));
        // Binary frames are refused (1003) at their first part: no socket needs a large binary buffer.
        container.setDefaultMaxBinaryMessageBufferSize(CONTAINER_BINARY_BUFFER_BYTES);

        ChatNode node = ChatNode.start(config);
        context.setAttribute(ChatNode.CONTEXT_ATTRIBUTE, node);
        node.hub().install(context);
        ChatEndpointConfigurator.install(node.hub());
        LOG.info(() -> "Chat node started with " + node.relay().getClass().getSimpleName());
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        ChatNode node = (ChatNode) context.getAttribute(ChatNode.CONTEXT_ATTRIBUTE);
        context.removeAttribute(ChatNode.CONTEXT_ATTRIBUTE);
        if (node != null) {
            ChatEndpointConfigurator.uninstall(node.hub());
            node.close();
        }
    }
}
