package org.chatrooms.servers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Payara Micro (the full Payara web container, Tyrus for WebSockets, in one executable JAR):
 * {@code java -jar payara-micro.jar --deploy ROOT.war --deploy chat-app.war --port N}. It starts
 * faster than a Payara Server domain and needs no {@code asadmin}. Its configuration lives in a fresh
 * {@code --rootdir} per run; the runtime JARs it unpacks are kept beside the distribution and reused.
 */
final class PayaraMicroServer extends StandaloneServer {

    /** asadmin commands run before boot: listen on loopback only, like the other servers of the suite. */
    private static final String PREBOOT = """
            set configs.config.server-config.network-config.network-listeners.network-listener.http-listener.address=127.0.0.1
            """;

    /** Plain one-line records instead of Payara's multi-line, ANSI-coloured ones: readable in failure messages. */
    private static final String LOGGING = """
            handlers = java.util.logging.ConsoleHandler
            .level = INFO
            java.util.logging.ConsoleHandler.level = ALL
            java.util.logging.ConsoleHandler.formatter = java.util.logging.SimpleFormatter
            java.util.logging.SimpleFormatter.format = %1$tT.%1$tL %4$s [%3$s] %5$s%6$s%n
            """;

    private final Path jar;

    PayaraMicroServer() {
        super("Payara Micro", "payara-micro");
        this.jar = distribution("chat.payara.micro.jar");
    }

    @Override
    protected ProcessHandle launch(Path war, Path directory) throws IOException {
        Path root = Files.createDirectories(directory.resolve("root"));
        Path unpacked = Files.createDirectories(jar.resolveSibling("payara-micro-runtime"));
        Path rootWar = Files.copy(war, directory.resolve("ROOT.war"));
        Path contextWar = Files.copy(war, directory.resolve(CONTEXT_PATH.substring(1) + ".war"));
        Path preboot = Files.writeString(directory.resolve("preboot.asadmin"), PREBOOT, StandardCharsets.UTF_8);
        Path logging = Files.writeString(directory.resolve("logging.properties"), LOGGING, StandardCharsets.UTF_8);
        return startChild(new ProcessBuilder(List.of(
                JAVA_HOME.resolve("bin/java").toString(),
                // Payara stops its (unclustered) data grid itself; Hazelcast's own hook would race it and warn
                // "Terminating forcefully".
                "-Dhazelcast.shutdownhook.enabled=false",
                "-jar", jar.toString(),
                // Context roots from the file names, as on Tomcat: ROOT.war is "/", chat-app.war "/chat-app".
                // (--contextroot would go to the first WAR *without* an implicit root: chat-app, clashing at "/".)
                "--deploy", rootWar.toString(),
                "--deploy", contextWar.toString(),
                "--port", Integer.toString(port()),
                "--nocluster",          // no cluster discovery: no multicast, nothing leaves the machine
                "--disablephonehome",   // no usage report to the vendor
                "--prebootcommandfile", preboot.toString(),
                "--logproperties", logging.toString(),
                "--rootdir", root.toString(),
                "--unpackdir", unpacked.toString()))
                .directory(directory.toFile()));
    }

    @Override
    protected Duration startTimeout() {
        return Duration.ofSeconds(180);
    }
}
