package org.chatrooms.relay;

/** The relay contract for the single-node relay. */
class InMemoryRelayTest extends RelayContractTest {

    @Override
    protected Relay newRelay() {
        return new InMemoryRelay();
    }
}
