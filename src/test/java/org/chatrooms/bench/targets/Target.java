package org.chatrooms.bench.targets;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/** What the load tool measures: one or more chat nodes, and the CPU meters of every process they consist of. */
public interface Target extends AutoCloseable {

    /** Short key for files and JSON: {@code floor}, {@code memory}, {@code redis}. */
    String key();

    /** For people: "1 node, in-memory relay". */
    String description();

    /** Where sockets connect; the load tool spreads a room's sockets over them in turn. */
    List<InetSocketAddress> nodes();

    /** Every server-side process (or thread) by name, in a stable order: "node 1", "node 2", "redis". */
    Map<String, CpuMeter> cpu();

    /** The server JVMs of this target that JFR can record (none when the server runs in this JVM). */
    default List<Long> jvmPids() {
        return List.of();
    }

    /** Whether {@link #cpu()} measures threads of this JVM rather than processes of their own. */
    default boolean inThisJvm() {
        return false;
    }

    /** Stops everything this target started. */
    @Override
    void close();
}
