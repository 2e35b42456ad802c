package org.chatrooms.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The programs tests start (redis-server, nginx): found the same way, and ended the same way, by their own PID
 * and with a timeout on every wait.
 */
public final class ExternalPrograms {

    private ExternalPrograms() {
    }

    /**
     * {@code $variable} if set, else the first executable of {@code usual} (absolute paths), else {@code name} on
     * the PATH; fails naming the variable and {@code hint} (how to install it).
     */
    public static String find(String variable, String name, List<Path> usual, String hint) {
        String configured = System.getenv(variable);
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        List<Path> candidates = new ArrayList<>(usual);
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            candidates.add(Path.of(dir, name));
        }
        return candidates.stream().filter(Files::isExecutable).findFirst().map(Path::toString)
                .orElseThrow(() -> new IllegalStateException(name + " not found: set " + variable
                        + " or put it on the PATH (" + hint + ")"));
    }

    /**
     * Waits until {@code process}, already signalled, has exited; after {@code timeout} kills it (SIGKILL) and the
     * processes it started, which it can no longer stop itself, and waits again. Then drops its {@code reaper}
     * shutdown hook.
     */
    public static void awaitExit(Process process, Duration timeout, Thread reaper) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                // Found while the process still owns them: once it is gone they belong to init.
                List<ProcessHandle> children = process.descendants().toList();
                process.destroyForcibly();
                children.forEach(ProcessHandle::destroyForcibly);
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException("process " + process.pid() + " did not exit");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException jvmExiting) {
            // the hook runs anyway
        }
    }
}
