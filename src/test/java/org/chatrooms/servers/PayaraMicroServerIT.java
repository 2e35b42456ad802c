package org.chatrooms.servers;

/**
 * Payara Micro 6: Payara's web container with Tyrus, its own JSON-P (Parsson) and CDI (Weld) next to the WAR's.
 * Payara Micro cannot undeploy while running without its admin tooling, so the undeploy test is skipped here; the
 * stop test still proves the application shuts down (sockets get 1001) and logs no leak.
 */
class PayaraMicroServerIT extends StandaloneServerContract {

    @Override
    protected StandaloneServer createServer() {
        return new PayaraMicroServer();
    }
}
