package org.chatrooms.servers;

/** Standalone Tomcat 11 (Servlet 6.1, WebSocket 2.2): the Jakarta EE 10 WAR runs there unchanged too. */
class Tomcat11ServerIT extends StandaloneServerContract {

    @Override
    protected StandaloneServer createServer() {
        return TomcatServer.of("Tomcat " + System.getProperty("chat.tomcat11.version", "11"), "tomcat11",
                "chat.tomcat11.home");
    }
}
