package org.chatrooms.testing;

import java.util.List;

/** The application's own threads that are alive in this JVM (all are named {@code chat-...}). */
public final class ChatThreads {

    private ChatThreads() {
    }

    public static List<String> alive() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith("chat-") && !name.startsWith("chat-dev"))
                .sorted()
                .toList();
    }
}
