package org.chatrooms.servers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A standalone Tomcat from its official distribution: {@code bin/catalina.sh run} with CATALINA_HOME at the unpacked
 * distribution and a fresh CATALINA_BASE under {@code target/servers/<id>/base} (the distribution's {@code conf},
 * with the ports changed and all logging sent to the console). The WAR goes into {@code webapps} as
 * {@code ROOT.war} and {@code chat-app.war}, as an administrator would drop it in; the host's auto-deployment
 * undeploys {@code chat-app} when its WAR is deleted.
 */
final class TomcatServer extends StandaloneServer {

    private static final Pattern SHUTDOWN_PORT = Pattern.compile("<Server port=\"8005\"");
    private static final Pattern HTTP_CONNECTOR = Pattern.compile("<Connector port=\"8080\" protocol=\"HTTP/1.1\"");

    /** One log, on the console (which the test captures), instead of the distribution's several files. */
    private static final String LOGGING = """
            handlers = java.util.logging.ConsoleHandler
            .handlers = java.util.logging.ConsoleHandler
            .level = INFO
            java.util.logging.ConsoleHandler.level = ALL
            java.util.logging.ConsoleHandler.formatter = org.apache.juli.OneLineFormatter
            java.util.logging.ConsoleHandler.encoding = UTF-8
            """;

    private final Path home;
    /** Jars added to the server's own class path ({@code $CATALINA_BASE/lib}, on Tomcat's common loader). */
    private final List<Path> serverLibraries;
    /** Context descriptors for {@code conf/Catalina/localhost/<name>.xml}, by deployment name. */
    private final Map<String, String> contextDescriptors;
    private Path webapps;

    private TomcatServer(String name, String id, Path home, List<Path> serverLibraries,
            Map<String, String> contextDescriptors) {
        super(name, id);
        this.home = home;
        this.serverLibraries = List.copyOf(serverLibraries);
        this.contextDescriptors = Map.copyOf(contextDescriptors);
    }

    /** The distribution the {@code servers} profile unpacked to the path in system property {@code property}. */
    static TomcatServer of(String name, String id, String property) {
        return new TomcatServer(name, id, distribution(property), List.of(), Map.of());
    }

    /**
     * The same, with {@code libraries} in the server's {@code lib/} and {@code descriptors} (deployment name, e.g.
     * {@code chat-app}, to the XML of its {@code <Context>}) in {@code conf/Catalina/localhost/}.
     */
    static TomcatServer withServerLibraries(String name, String id, String property, List<Path> libraries,
            Map<String, String> descriptors) {
        return new TomcatServer(name, id, distribution(property), libraries, descriptors);
    }

    @Override
    protected ProcessHandle launch(Path war, Path directory) throws IOException {
        Path base = directory.resolve("base");
        for (String dir : new String[] {"conf", "logs", "temp", "webapps", "work"}) {
            Files.createDirectories(base.resolve(dir));
        }
        try (var conf = Files.list(home.resolve("conf"))) {
            for (Path file : conf.filter(Files::isRegularFile).toList()) {
                Files.copy(file, base.resolve("conf").resolve(file.getFileName()));
            }
        }
        Path serverXml = base.resolve("conf/server.xml");
        String xml = Files.readString(serverXml, StandardCharsets.UTF_8);
        // No shutdown port (-1): the test stops the server by signalling its PID, and one port fewer can collide.
        xml = replaceOnce(xml, SHUTDOWN_PORT, "<Server port=\"-1\"");
        xml = replaceOnce(xml, HTTP_CONNECTOR,
                "<Connector port=\"" + port() + "\" address=\"127.0.0.1\" protocol=\"HTTP/1.1\"");
        Files.writeString(serverXml, xml, StandardCharsets.UTF_8);
        Files.writeString(base.resolve("conf/logging.properties"), LOGGING, StandardCharsets.UTF_8);

        if (!serverLibraries.isEmpty()) {
            Files.createDirectories(base.resolve("lib"));
            for (Path library : serverLibraries) {
                Files.copy(library, base.resolve("lib").resolve(library.getFileName()));
            }
        }
        for (var descriptor : contextDescriptors.entrySet()) {
            Path hostConf = base.resolve("conf/Catalina/localhost");
            Files.createDirectories(hostConf);
            Files.writeString(hostConf.resolve(descriptor.getKey() + ".xml"), descriptor.getValue(),
                    StandardCharsets.UTF_8);
        }

        webapps = base.resolve("webapps");
        Files.copy(war, webapps.resolve("ROOT.war"));
        Files.copy(war, webapps.resolve(CONTEXT_PATH.substring(1) + ".war"));

        // "sh" rather than relying on the unpacked script's execute bit; catalina.sh execs the JVM, so the PID of
        // this process is Tomcat's own.
        ProcessBuilder builder = new ProcessBuilder("sh", home.resolve("bin/catalina.sh").toString(), "run")
                .directory(directory.toFile());
        builder.environment().put("CATALINA_HOME", home.toString());
        builder.environment().put("CATALINA_BASE", base.toString());
        for (String inherited : new String[] {"CATALINA_OPTS", "JAVA_OPTS", "CATALINA_PID", "JRE_HOME"}) {
            builder.environment().remove(inherited);
        }
        return startChild(builder);
    }

    private static String replaceOnce(String xml, Pattern pattern, String replacement) {
        Matcher matcher = pattern.matcher(xml);
        if (!matcher.find()) {
            throw new IllegalStateException("server.xml of this distribution has no " + pattern.pattern());
        }
        return matcher.replaceFirst(Matcher.quoteReplacement(replacement));
    }

    @Override
    protected Duration startTimeout() {
        return Duration.ofSeconds(90);
    }

    @Override
    public boolean canUndeploy() {
        return true;
    }

    /** Deletes {@code chat-app.war}; the host's next background check (every 10 s) undeploys the application. */
    @Override
    public void undeploy() throws IOException {
        Files.delete(webapps.resolve(CONTEXT_PATH.substring(1) + ".war"));
    }
}
