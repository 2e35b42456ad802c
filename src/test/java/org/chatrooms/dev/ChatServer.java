package org.chatrooms.dev;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.tomcat.util.descriptor.web.ApplicationParameter;
import org.chatrooms.tomcat.InlineCompletionExecutor;

/**
 * The built WAR on an embedded Tomcat: the README's run command and the multi-node tests both use it. Each
 * instance is a whole server (own engine, own port, own class loader for the WAR), so several run in one JVM.
 */
public final class ChatServer implements AutoCloseable {

    /**
     * {@code -Dchat.stockTomcat=true}: Tomcat's defaults instead of what this launcher ships (the benchmark's
     * baseline): the connector's own pool, which hands every write completion to a thread, its 8 KiB socket buffers
     * and 8 KiB WebSocket buffers, at most 8,192 connections.
     */
    static final String STOCK_TOMCAT = "chat.stockTomcat";
    /**
     * Tomcat's WebSocket buffers, read once per JVM when its WebSocket classes load: each socket's frame input,
     * output and UTF-8 encoder buffer (8 KiB each by default). 2 KiB holds every usual chat frame; a longer one is
     * read in parts, or sent as several fragments of one message, which every WebSocket client joins. The failsafe
     * configuration (pom.xml) and the image (Dockerfile, {@code CATALINA_OPTS}) set the same.
     */
    static final String WEBSOCKET_BUFFER_PROPERTY = "org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE";
    static final int WEBSOCKET_BUFFER_BYTES = 2048;
    /**
     * The connector's read and write buffer of every socket, for as long as it is open (Tomcat's default: 8 KiB
     * each; deploy/tomcat/server.xml sets the same as here). Longer requests and frames are read in several parts.
     */
    static final int SOCKET_BUFFER_BYTES = 2048;
    /** Sockets (pages and WebSockets) one node keeps open, as in deploy/tomcat/server.xml; Tomcat's default: 8,192. */
    static final int MAX_CONNECTIONS = 10_000;

    static {
        if (!Boolean.getBoolean(STOCK_TOMCAT) && System.getProperty(WEBSOCKET_BUFFER_PROPERTY) == null) {
            System.setProperty(WEBSOCKET_BUFFER_PROPERTY, Integer.toString(WEBSOCKET_BUFFER_BYTES));
        }
    }

    private final Tomcat tomcat;
    private final Context context;
    private final String contextPath;

    private ChatServer(Tomcat tomcat, Context context, String contextPath) {
        this.tomcat = tomcat;
        this.context = context;
        this.contextPath = contextPath;
    }

    /** The WAR that {@code mvn package} built, as the failsafe and run configurations pass it. */
    public static Path builtWar() {
        String war = System.getProperty("chat.war");
        if (war == null) {
            throw new IllegalStateException("System property chat.war (path of the built WAR) is not set");
        }
        return Path.of(war).toAbsolutePath();
    }

    /**
     * Starts the WAR at {@code contextPath} ("" for ROOT) on {@code address:port}; port 0 picks a free one.
     * {@code parameters} become context parameters, which the application reads before system properties.
     */
    public static ChatServer start(Path war, String contextPath, String address, int port,
                                   Map<String, String> parameters) throws LifecycleException, IOException {
        Path base = Path.of(System.getProperty("chat.test.output", "target"), "tomcat", UUID.randomUUID().toString());
        Files.createDirectories(base.resolve("webapps"));
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        tomcat.setHostname("127.0.0.1");
        tomcat.getEngine().setName("chat-" + base.getFileName());
        tomcat.getConnector().setProperty("address", address);
        tomcat.getConnector().setPort(port);
        if (!Boolean.getBoolean(STOCK_TOMCAT)) {
            tomcat.getConnector().setProperty("socket.appReadBufSize", Integer.toString(SOCKET_BUFFER_BYTES));
            tomcat.getConnector().setProperty("socket.appWriteBufSize", Integer.toString(SOCKET_BUFFER_BYTES));
            tomcat.getConnector().setProperty("maxConnections", Integer.toString(MAX_CONNECTIONS));
            InlineCompletionExecutor executor = new InlineCompletionExecutor();
            tomcat.getService().addExecutor(executor);
            tomcat.getConnector().getProtocolHandler().setExecutor(executor);
        }
        tomcat.getHost().getPipeline().addValve(quietErrorPages());
        Context context = tomcat.addWebapp(contextPath, war.toString());
        // As <Parameter> elements of a context.xml: unlike plain context parameters, which Tomcat re-reads from
        // web.xml on every start, these survive a reload (redeploy tests rely on that).
        parameters.forEach((name, value) -> {
            ApplicationParameter parameter = new ApplicationParameter();
            parameter.setName(name);
            parameter.setValue(value);
            context.addApplicationParameter(parameter);
        });
        tomcat.start();
        return new ChatServer(tomcat, context, contextPath);
    }

    /**
     * Tomcat's own error pages (a malformed request, a path it refuses before any application) without the server's
     * version and without stack traces: both help an attacker, neither a user. Added before the start, the host
     * then adds no default one of its own; the application's error pages are unaffected.
     */
    static ErrorReportValve quietErrorPages() {
        ErrorReportValve valve = new ErrorReportValve();
        valve.setShowReport(false);
        valve.setShowServerInfo(false);
        return valve;
    }

    /**
     * A test node: the built WAR as ROOT on a free port. Unless {@code parameters} say otherwise, it stops without a
     * drain ({@code CHAT_DRAIN_SECONDS=0}), so tests that stop nodes with sockets open do not wait for one.
     */
    public static ChatServer start(Map<String, String> parameters) throws LifecycleException, IOException {
        Map<String, String> withDefaults = new java.util.HashMap<>(Map.of("CHAT_DRAIN_SECONDS", "0"));
        withDefaults.putAll(parameters);
        return start(builtWar(), "", "127.0.0.1", 0, withDefaults);
    }

    public int port() {
        return tomcat.getConnector().getLocalPort();
    }

    /** {@code http://127.0.0.1:<port><context>/} */
    public URI httpBase() {
        return URI.create("http://127.0.0.1:" + port() + contextPath + "/");
    }

    /** {@code ws://127.0.0.1:<port><context>/} */
    public URI wsBase() {
        return URI.create("ws://127.0.0.1:" + port() + contextPath + "/");
    }

    public Context context() {
        return context;
    }

    public Tomcat tomcat() {
        return tomcat;
    }

    @Override
    public void close() throws LifecycleException {
        tomcat.stop();
        tomcat.destroy();
    }
}
