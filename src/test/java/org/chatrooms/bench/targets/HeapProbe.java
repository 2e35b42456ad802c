package org.chatrooms.bench.targets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Heap in use in another JVM of ours after a full collection, through the JDK's {@code jcmd} (no JMX port to
 * open): {@code GC.run} twice (the second collects what the first's finalisation released), then
 * {@code GC.heap_info}, whose first line says {@code used <n>K}. Also the process's resident set from
 * {@code /proc/<pid>/status}, which shows what the heap does not (thread stacks, direct buffers, metaspace).
 */
public final class HeapProbe {

    private static final Pattern USED = Pattern.compile("used (\\d+)K");
    private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");

    private HeapProbe() {
    }

    /** Bytes of heap in use after full GCs. */
    public static long usedAfterFullGc(long pid) {
        jcmd(pid, "GC.run");
        jcmd(pid, "GC.run");
        Matcher used = USED.matcher(jcmd(pid, "GC.heap_info"));
        if (!used.find()) {
            throw new IllegalStateException("no 'used' figure in GC.heap_info of " + pid);
        }
        return Long.parseLong(used.group(1)) * 1024;
    }

    /** Resident set size, bytes. */
    public static long residentBytes(long pid) {
        try {
            Matcher rss = RSS.matcher(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
            return rss.find() ? Long.parseLong(rss.group(1)) * 1024 : -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs one {@code jcmd} diagnostic command ({@code GC.run}, {@code JFR.start name=x}) in JVM {@code pid}. */
    public static String jcmd(long pid, String command) {
        Path java = Path.of(ProcessHandle.current().info().command().orElse("java"));
        Path jcmd = java.resolveSibling("jcmd");
        try {
            Process process = new ProcessBuilder(List.of(Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd",
                    Long.toString(pid), command)).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("jcmd " + pid + " " + command + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
