package org.chatrooms.servers;

/**
 * Payara Server 6, the full distribution, with a domain created, started and deployed to through {@code asadmin}:
 * Tyrus, Payara's own JSON-P (Parsson) and CDI (Weld) next to the WAR's; undeploy with {@code asadmin undeploy}.
 */
class PayaraServerIT extends StandaloneServerContract {

    @Override
    protected StandaloneServer createServer() {
        return PayaraServer.create();
    }
}
