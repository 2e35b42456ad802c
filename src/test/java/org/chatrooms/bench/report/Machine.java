package org.chatrooms.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.catalina.util.ServerInfo;

/** Where the figures were measured: printed beside every table and chart, since they mean nothing without it. */
public record Machine(int cores, String cpu, long memoryMiB, String os, String jdk, String tomcat,
                      long clockTicks) {

    public static Machine describe(long clockTicks) {
        return new Machine(Runtime.getRuntime().availableProcessors(), cpuModel(), totalMemoryMiB(),
                System.getProperty("os.name") + " " + System.getProperty("os.version"),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                ServerInfo.getServerInfo().replaceFirst("^.*/", ""), clockTicks);
    }

    /** One line: "2 cores (Intel Xeon ...), 23 GiB, Linux 6.1, OpenJDK 17.0.15, Tomcat 10.1.62". */
    public String summary() {
        return cores + " cores (" + cpu + "), " + (memoryMiB / 1024) + " GiB, " + os + ", " + jdk
                + ", Tomcat " + tomcat;
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim().replaceAll("\\s+", " "))
                    .findFirst().orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    private static long totalMemoryMiB() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream()
                    .filter(line -> line.startsWith("MemTotal:"))
                    .map(line -> Long.parseLong(line.replaceAll("\\D+", "")) / 1024)
                    .findFirst().orElse(0L);
        } catch (IOException e) {
            return 0;
        }
    }
}
