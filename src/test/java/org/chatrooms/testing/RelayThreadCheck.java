package org.chatrooms.testing;

import java.util.List;

/**
 * The relays' threads are all named {@code chat-redis-*} or {@code chat-relay-*}; after every node of a test was
 * stopped, none may be left (a leaked thread keeps a whole undeployed web application in memory).
 */
public final class RelayThreadCheck {

    private RelayThreadCheck() {
    }

    public static List<String> aliveRelayThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith("chat-redis-") || name.startsWith("chat-relay-"))
                .sorted()
                .toList();
    }

    public static void assertNoneAlive() {
        List<String> alive = aliveRelayThreads();
        if (!alive.isEmpty()) {
            throw new AssertionError("Relay threads outlived their node: " + alive);
        }
    }
}
