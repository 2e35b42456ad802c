package org.chatrooms.servers;

/**
 * Standalone Tomcat 10.1 (10.1.59, the first 10.1 that treats the trailing slash of a socket URL as significant).
 */
class Tomcat10ServerIT extends StandaloneServerContract {

    @Override
    protected StandaloneServer createServer() {
        return TomcatServer.of("Tomcat " + System.getProperty("chat.tomcat10.version", "10.1"), "tomcat10",
                "chat.tomcat10.home");
    }
}
