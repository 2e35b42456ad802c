package org.chatrooms.dev;

import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The README's run command ({@code ./mvnw -Prun}): the built WAR on embedded Tomcat at
 * {@code http://127.0.0.1:8000/chat/}, like the Django tutorial's {@code runserver}. {@code CHAT_PORT} and
 * {@code CHAT_BIND_ADDRESS} (environment or system property) move it; every {@code CHAT_*} setting of the
 * application is read from the environment as usual. Ctrl-C or SIGTERM stops it cleanly (sockets get 1001).
 */
public final class DevServer {

    private static final Logger LOG = Logger.getLogger(DevServer.class.getName());

    private DevServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(setting("CHAT_PORT").or(() -> Optional.ofNullable(System.getProperty("chat.port")))
                .orElse("8000"));
        String address = setting("CHAT_BIND_ADDRESS").orElse("127.0.0.1");
        ChatServer server = ChatServer.start(ChatServer.builtWar(), "", address, port, Map.of());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception e) {
                LOG.warning("Shutdown failed: " + e);
            }
        }, "chat-dev-shutdown"));
        LOG.info("Chat is running at http://" + (address.equals("0.0.0.0") ? "127.0.0.1" : address) + ":"
                + server.port() + "/chat/  (Ctrl-C stops it)");
        server.tomcat().getServer().await();
    }

    private static Optional<String> setting(String name) {
        return Optional.ofNullable(System.getProperty(name)).or(() -> Optional.ofNullable(System.getenv(name)))
                .filter(value -> !value.isBlank());
    }
}
