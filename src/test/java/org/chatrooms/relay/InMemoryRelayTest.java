package org.chatrooms.relay;

import java.time.Clock;

/** The relay contract for the single-node relay. */
class InMemoryRelayTest extends RelayContractTest {

    @Override
    protected Relay newRelay(StreamRetention retention) {
        return new InMemoryRelay(retention, Clock.systemUTC());
    }
}
