package org.chatrooms.servers;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Payara Server, the full distribution, driven with {@code asadmin} as an administrator would: a fresh domain under
 * {@code target/servers/payara-server/domains} (its ports from a free port base), {@code start-domain}, then
 * {@code deploy} of the WAR as {@code ROOT} at "/" and as {@code chat-app}, and {@code undeploy chat-app}.
 * {@code start-domain} leaves the server running as a daemon; its PID (from the domain's {@code config/pid}) is what
 * the test stops with SIGTERM. The server logs to the domain's {@code logs/server.log}; {@code asadmin}'s own output
 * goes to {@code target/servers/payara-server/asadmin.log}.
 */
final class PayaraServer extends StandaloneServer {

    private static final Logger LOG = Logger.getLogger(PayaraServer.class.getName());
    private static final String DOMAIN = "chat";
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(180);
    /** Ports that create-domain derives from the base: IIOP (3), admin, Hazelcast (2), JMS, HTTP, HTTPS, JMX. */
    private static final int[] PORT_OFFSETS = {37, 38, 39, 48, 49, 59, 76, 80, 81, 86};
    private static final int HTTP_OFFSET = 80;
    private static final int ADMIN_OFFSET = 48;

    private final Path home;
    private final int portBase;
    private Path domains;

    private PayaraServer(Path home, int portBase) {
        super("Payara Server " + System.getProperty("chat.payara.version", "6"), "payara-server",
                portBase + HTTP_OFFSET);
        this.home = home;
        this.portBase = portBase;
    }

    static PayaraServer create() {
        return new PayaraServer(distribution("chat.payara.home"), freePortBase());
    }

    @Override
    protected ProcessHandle launch(Path war, Path directory) throws IOException, InterruptedException {
        domains = directory.resolve("domains");
        long begin = System.nanoTime();
        asadmin("create-domain", "--domaindir", domains.toString(), "--portbase", Integer.toString(portBase),
                "--nopassword=true", DOMAIN);
        confineToLoopback(domains.resolve(DOMAIN + "/config/domain.xml"));
        long created = System.nanoTime();
        asadmin("start-domain", "--domaindir", domains.toString(), DOMAIN);
        long domainStarted = System.nanoTime();
        long pid = Long.parseLong(Files.readString(domains.resolve(DOMAIN + "/config/pid")).trim());
        ProcessHandle server = ProcessHandle.of(pid)
                .orElseThrow(() -> new IllegalStateException("Payara's PID " + pid + " is not running" + logTail()));
        Path rootWar = Files.copy(war, directory.resolve("ROOT.war"));
        Path contextWar = Files.copy(war, directory.resolve(CONTEXT_PATH.substring(1) + ".war"));
        try {
            admin("deploy", "--contextroot", "/", "--name", "ROOT", rootWar.toString());
            admin("deploy", "--contextroot", CONTEXT_PATH, "--name", CONTEXT_PATH.substring(1), contextWar.toString());
        } catch (IOException | RuntimeException e) {
            server.destroyForcibly();
            throw e;
        }
        long deployed = System.nanoTime();
        LOG.info(() -> String.format("%s: create-domain %d ms, start-domain %d ms, two deploys %d ms", name(),
                (created - begin) / 1_000_000, (domainStarted - created) / 1_000_000,
                (deployed - domainStarted) / 1_000_000));
        return server;
    }

    /**
     * Every listener on 127.0.0.1 (the template binds 0.0.0.0), and no phone-home: Payara would otherwise report
     * usage to its vendor on start. Edited before the first start, so nothing ever listens or calls out elsewhere.
     */
    private static void confineToLoopback(Path domainXml) throws IOException {
        String xml = Files.readString(domainXml, StandardCharsets.UTF_8)
                .replace("address=\"0.0.0.0\"", "address=\"127.0.0.1\"")
                .replaceAll("<network-listener port=", "<network-listener address=\"127.0.0.1\" port=");
        String anchor = "<hazelcast-config-specific-configuration></hazelcast-config-specific-configuration>";
        int at = xml.indexOf(anchor);
        if (at < 0) {
            throw new IllegalStateException("domain.xml of this Payara has no " + anchor);
        }
        xml = xml.substring(0, at + anchor.length())
                + "<phone-home-runtime-configuration enabled=\"false\"></phone-home-runtime-configuration>"
                + xml.substring(at + anchor.length());
        Files.writeString(domainXml, xml, StandardCharsets.UTF_8);
    }

    @Override
    public boolean canUndeploy() {
        return true;
    }

    @Override
    public void undeploy() throws IOException {
        try {
            admin("undeploy", CONTEXT_PATH.substring(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    @Override
    public Path log() {
        return directory().resolve("domains/" + DOMAIN + "/logs/server.log");
    }

    @Override
    protected Duration startTimeout() {
        return Duration.ofSeconds(180);
    }

    /** A remote command to this domain's admin listener. */
    private void admin(String... command) throws IOException, InterruptedException {
        List<String> arguments = new ArrayList<>(List.of("--host", "127.0.0.1", "--port",
                Integer.toString(portBase + ADMIN_OFFSET)));
        arguments.addAll(List.of(command));
        asadmin(arguments.toArray(String[]::new));
    }

    /** Runs {@code asadmin} to completion, with a timeout; fails with its output if it does not succeed. */
    private void asadmin(String... arguments) throws IOException, InterruptedException {
        Path output = directory().resolve("asadmin.log");
        List<String> command = new ArrayList<>(List.of("sh", home.resolve("bin/asadmin").toString(),
                "--interactive=false"));
        command.addAll(List.of(arguments));
        Files.writeString(output, "$ asadmin " + String.join(" ", arguments) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(directory().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
        builder.environment().put("AS_JAVA", JAVA_HOME.toString());
        builder.environment().put("JAVA_HOME", JAVA_HOME.toString());
        // start-domain's server JVM inherits asadmin's environment, as it does the other servers' settings.
        builder.environment().put("CHAT_PING_SECONDS", Integer.toString(PING_SECONDS));
        // asadmin keeps a login cache and trust store in the home directory: one under target/, not the user's.
        builder.environment().put("HOME", Files.createDirectories(directory().resolve("home")).toString());
        Process process = builder.start();
        if (!process.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("asadmin " + arguments[0] + " did not finish within " + COMMAND_TIMEOUT
                    + "; see " + output);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("asadmin " + String.join(" ", arguments) + " failed with "
                    + process.exitValue() + ":\n" + Files.readString(output, StandardCharsets.UTF_8));
        }
    }

    /**
     * A port base whose derived ports are all free now, below the kernel's ephemeral range (from 32768) so that no
     * outgoing connection takes one of them meanwhile.
     */
    private static int freePortBase() {
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = 100 * ThreadLocalRandom.current().nextInt(200, 320);
            if (allFree(base)) {
                return base;
            }
        }
        throw new IllegalStateException("No free port base for Payara between 20000 and 32000");
    }

    private static boolean allFree(int base) {
        for (int offset : PORT_OFFSETS) {
            try (ServerSocket probe = new ServerSocket(base + offset, 1, InetAddress.getLoopbackAddress())) {
                probe.setReuseAddress(true);
            } catch (IOException taken) {
                return false;
            }
        }
        return true;
    }
}
