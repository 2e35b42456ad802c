package org.chatrooms.config;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where configuration values come from, in order of precedence: the web application's context parameters
 * (so one server can run several nodes with different settings, e.g. in tests or a {@code context.xml}),
 * then JVM system properties, then environment variables. Every source uses the same name, e.g.
 * {@code CHAT_REDIS_URL}.
 */
@FunctionalInterface
public interface Settings {

    Optional<String> get(String name);

    /** Settings from the JVM alone: system properties, then the environment. */
    static Settings fromSystem() {
        return name -> firstNonBlank(System.getProperty(name), System.getenv(name));
    }

    /** Settings from a lookup function (e.g. {@code ServletContext::getInitParameter}), falling back to the JVM. */
    static Settings layered(Function<String, String> first) {
        Settings system = fromSystem();
        return name -> {
            Optional<String> own = firstNonBlank(first.apply(name), null);
            return own.isPresent() ? own : system.get(name);
        };
    }

    /** Fixed settings, for tests. */
    static Settings of(Map<String, String> values) {
        return name -> firstNonBlank(values.get(name), null);
    }

    private static Optional<String> firstNonBlank(String a, String b) {
        if (a != null && !a.isBlank()) {
            return Optional.of(a.trim());
        }
        if (b != null && !b.isBlank()) {
            return Optional.of(b.trim());
        }
        return Optional.empty();
    }
}
