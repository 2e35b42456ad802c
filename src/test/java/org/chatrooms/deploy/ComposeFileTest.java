package org.chatrooms.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.chatrooms.relay.redis.RedisRelayConfig;
import org.chatrooms.testing.Dockerfile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.w3c.dom.Element;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * {@code compose.yaml} agrees with the files it puts together: every file it mounts exists, the chat nodes are the
 * project's image on the port the image exposes and {@code server.xml} listens on, every {@code CHAT_*} variable it
 * sets is one the application reads, the Redis URL names the Redis service on Redis's port, and nginx runs the
 * shipped {@code deploy/nginx/chat.conf} with exactly the compose nodes as its upstream. Variables are interpolated
 * as {@code docker compose} does with none of them set (their defaults).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ComposeFileTest {

    private static final Path PROJECT = Path.of("").toAbsolutePath();
    /**
     * Settings the compose file may set before the application reads them: {@code CHAT_ALLOWED_HOSTS} arrives with
     * the allowed-hosts work (issue 9). Until then the nodes ignore it, and the default it will have (localhost,
     * 127.0.0.1, [::1]) is what the list here starts with.
     */
    private static final Set<String> ANNOUNCED_SETTINGS = Set.of("CHAT_ALLOWED_HOSTS");
    private static final Pattern SETTING_NAME = Pattern.compile("\"(CHAT_[A-Z0-9_]+)\"");
    private static final Pattern INTERPOLATION = Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");
    /** {@code -e 's/pattern/replacement/'} in the nginx entrypoint. */
    private static final Pattern SED = Pattern.compile("-e\\s+'s/((?:[^/\\\\]|\\\\.)*)/((?:[^/\\\\]|\\\\.)*)/'");
    private static final Pattern SED_OUTPUT = Pattern.compile("\\s(/\\S+)\\s*>\\s*(/\\S+)");
    private static final Pattern UPSTREAM = Pattern.compile("upstream\\s+chat_nodes\\s*\\{(.*?)\\n}", Pattern.DOTALL);
    private static final Pattern UPSTREAM_SERVER = Pattern.compile("(?m)^\\s*server\\s+(\\S+)");
    private static final Pattern LISTEN = Pattern.compile("(?m)^\\s*listen\\s+(\\d+)\\s*;");
    private static final Pattern SERVER_NAME = Pattern.compile("(?m)^\\s*server_name\\s+([^;]+);");
    private static final Pattern HOST_HEADER = Pattern.compile("Host: ([^\\\\\\s'\"]+)");

    private Map<String, Object> services;
    private Map<String, Object> compose;
    private final Dockerfile dockerfile = Dockerfile.ofProject();

    @BeforeAll
    void readComposeFile() throws IOException {
        String text = Files.readString(PROJECT.resolve("compose.yaml"), StandardCharsets.UTF_8);
        Object tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        compose = map(interpolate(tree), "compose.yaml");
        services = map(compose.get("services"), "services");
    }

    @Test
    void everyMountedFileAndBuildContextExists() {
        Set<String> namedVolumes = compose.containsKey("volumes") ? map(compose.get("volumes"), "volumes").keySet()
                : Set.of();
        for (var service : services.entrySet()) {
            for (String volume : strings(map(service.getValue(), service.getKey()).get("volumes"))) {
                String source = volume.split(":")[0];
                if (source.startsWith(".") || source.startsWith("/")) {
                    assertTrue(Files.isRegularFile(PROJECT.resolve(source).normalize()),
                            service.getKey() + " mounts " + source + ", which is no file of the project");
                } else {
                    assertTrue(namedVolumes.contains(source), service.getKey() + " mounts undeclared volume " + source);
                }
            }
        }
        for (var node : chatNodes().entrySet()) {
            Map<String, Object> build = map(node.getValue().get("build"), node.getKey() + ".build");
            Path dockerfilePath = PROJECT.resolve(String.valueOf(build.get("context")))
                    .resolve(String.valueOf(build.getOrDefault("dockerfile", "Dockerfile"))).normalize();
            assertEquals(dockerfile.file(), dockerfilePath,
                    node.getKey() + " is not built from the project's Dockerfile");
        }
    }

    @Test
    void twoChatNodesOnThePortTheImageExposesAndServerXmlListensOn() throws Exception {
        Map<String, Map<String, Object>> nodes = chatNodes();
        assertEquals(2, nodes.size(), "chat nodes: " + nodes.keySet());
        int exposed = dockerfile.runtime().exposedPort();
        assertEquals(exposed, serverXmlDefaultPort(), "EXPOSE and deploy/tomcat/server.xml's connector port");
        for (var node : nodes.entrySet()) {
            assertEquals(List.of(Integer.toString(exposed)), strings(node.getValue().get("expose")), node.getKey());
            assertFalse(node.getValue().containsKey("ports"), node.getKey() + " is published past nginx");
        }
    }

    /** The nodes use the image's HEALTHCHECK (GET /readyz on the exposed port), which compose must not replace. */
    @Test
    void chatNodesUseTheImagesReadinessCheck() {
        for (var node : chatNodes().entrySet()) {
            Object healthcheck = node.getValue().get("healthcheck");
            assertTrue(healthcheck == null || !map(healthcheck, "healthcheck").containsKey("test"),
                    node.getKey() + " replaces the image's health check");
        }
        String command = String.join(" ", dockerfile.runtime().healthCheck().command());
        assertTrue(command.contains("GET /readyz "), command);
        assertTrue(command.contains("/" + dockerfile.runtime().exposedPort() + " "), command);
    }

    @Test
    void everyChatVariableIsASettingTheApplicationReads() throws IOException {
        Set<String> known = new TreeSet<>(applicationSettings());
        known.addAll(ANNOUNCED_SETTINGS);
        for (var node : chatNodes().entrySet()) {
            Map<String, Object> environment = map(node.getValue().get("environment"), node.getKey() + ".environment");
            for (String name : environment.keySet()) {
                assertTrue(known.contains(name), node.getKey() + " sets " + name + ", which the application does not "
                        + "read (it reads " + known + ")");
            }
        }
    }

    @Test
    void redisUrlNamesTheRedisServiceOnRedissPort() {
        List<String> urls = new ArrayList<>();
        for (var node : chatNodes().entrySet()) {
            urls.add(String.valueOf(map(node.getValue().get("environment"), "environment").get("CHAT_REDIS_URL")));
        }
        assertEquals(1, urls.stream().distinct().count(), "every node needs the same Redis: " + urls);
        URI url = URI.create(urls.get(0));
        assertEquals("redis", url.getScheme(), url.toString());
        Map<String, Object> redis = map(services.get(url.getHost()), "service " + url.getHost());
        assertTrue(String.valueOf(redis.get("image")).startsWith("redis:"),
                "service " + url.getHost() + " is no Redis");
        assertFalse(String.valueOf(redis.get("command")).contains("--port"), "Redis moved off its default port");
        assertEquals(RedisRelayConfig.DEFAULT_PORT, url.getPort(), url.toString());
        // Redis and the nodes share a network that nginx is not on.
        for (var node : chatNodes().entrySet()) {
            List<String> shared = new ArrayList<>(strings(node.getValue().get("networks")));
            shared.retainAll(strings(redis.get("networks")));
            assertFalse(shared.isEmpty(), node.getKey() + " cannot reach Redis");
        }
    }

    /**
     * nginx gets the shipped chat.conf, and the entrypoint's substitutions (applied here to the file as sed would)
     * turn its example upstream into exactly the compose nodes on their port, and its server name into the host
     * the nginx health check and the nodes' allowed hosts name.
     */
    @Test
    void nginxRunsTheShippedConfigWithTheComposeNodesAsItsUpstream() throws IOException {
        Map<String, Object> nginx = map(services.get("nginx"), "service nginx");
        Path shipped = PROJECT.resolve("deploy/nginx/chat.conf");
        String mountedAt = strings(nginx.get("volumes")).stream()
                .filter(volume -> PROJECT.resolve(volume.split(":")[0]).normalize().equals(shipped))
                .map(volume -> volume.split(":")[1]).findFirst()
                .orElseThrow(() -> new AssertionError("nginx does not mount deploy/nginx/chat.conf"));

        String script = String.join("\n", strings(nginx.get("entrypoint")));
        Matcher output = SED_OUTPUT.matcher(script);
        assertTrue(output.find(), "no `sed ... input > output` in " + script);
        assertEquals(mountedAt, output.group(1), "sed reads another file than the mounted chat.conf");
        assertEquals("/etc/nginx/conf.d/default.conf", output.group(2),
                "the copy must replace the image's default site, which would otherwise answer for localhost");

        String conf = Files.readString(shipped, StandardCharsets.UTF_8);
        Matcher sed = SED.matcher(script);
        int substitutions = 0;
        while (sed.find()) {
            String pattern = literal(sed.group(1));
            String replacement = sed.group(2);
            assertFalse(replacement.contains("&") || replacement.contains("\\"), replacement);
            int at = conf.indexOf(pattern);
            assertTrue(at >= 0 && conf.indexOf(pattern, at + 1) < 0,
                    "chat.conf must contain \"" + pattern + "\" exactly once");
            conf = conf.replace(pattern, replacement);
            substitutions++;
        }
        assertTrue(substitutions > 0, "no substitutions found in " + script);

        Matcher upstream = UPSTREAM.matcher(conf);
        assertTrue(upstream.find(), "no upstream chat_nodes in chat.conf");
        List<String> servers = new ArrayList<>();
        Matcher server = UPSTREAM_SERVER.matcher(upstream.group(1));
        while (server.find()) {
            servers.add(server.group(1));
        }
        List<String> expected = chatNodes().keySet().stream()
                .map(name -> name + ":" + dockerfile.runtime().exposedPort()).sorted().toList();
        assertEquals(expected, servers.stream().sorted().toList(), "nginx's upstream");
        assertFalse(conf.contains("10.0.0."), "an example address is left");

        Matcher listen = LISTEN.matcher(conf);
        assertTrue(listen.find(), "chat.conf has no listen port");
        List<String> ports = strings(nginx.get("ports"));
        assertEquals(1, ports.size(), ports.toString());
        assertTrue(ports.get(0).endsWith(":" + listen.group(1)), "nginx publishes " + ports + ", listens on "
                + listen.group(1));

        List<String> serverNames = new ArrayList<>();
        Matcher name = SERVER_NAME.matcher(conf);
        while (name.find()) {
            serverNames.addAll(List.of(name.group(1).trim().split("\\s+")));
        }
        String healthCheck = String.join(" ", strings(map(nginx.get("healthcheck"), "healthcheck").get("test")));
        Matcher hostHeader = HOST_HEADER.matcher(healthCheck);
        assertTrue(hostHeader.find(), "nginx's health check sends no Host: " + healthCheck);
        String host = hostHeader.group(1);
        assertTrue(serverNames.contains(host), "nginx's health check asks for " + host + ", chat.conf serves "
                + serverNames);
        assertTrue(healthCheck.contains("/healthz"), healthCheck);
        for (var node : chatNodes().entrySet()) {
            String allowed = String.valueOf(map(node.getValue().get("environment"), "environment")
                    .get("CHAT_ALLOWED_HOSTS"));
            List<String> hosts = List.of(allowed.split(","));
            assertTrue(hosts.contains(host), node.getKey() + " does not allow the host nginx serves: " + allowed);
            Matcher probeHost = HOST_HEADER.matcher(String.join(" ", dockerfile.runtime().healthCheck().command()));
            assertTrue(probeHost.find() && hosts.contains(probeHost.group(1)),
                    node.getKey() + " does not allow the host its own health check sends: " + allowed);
        }
    }

    @Test
    void everyServiceRestartsAndStartsAfterWhatItNeedsIsHealthy() {
        for (var service : services.entrySet()) {
            Map<String, Object> definition = map(service.getValue(), service.getKey());
            assertTrue(Set.of("always", "unless-stopped", "on-failure").contains(definition.get("restart")),
                    service.getKey() + " has no restart policy");
            if (!chatNodes().containsKey(service.getKey())) {
                assertNotNull(map(definition.get("healthcheck"), service.getKey() + ".healthcheck").get("test"),
                        service.getKey() + " has no health check");
            }
        }
        for (var node : chatNodes().entrySet()) {
            assertEquals(Map.of("redis", Map.of("condition", "service_healthy")), node.getValue().get("depends_on"),
                    node.getKey());
        }
        Map<String, Object> nginxNeeds = map(map(services.get("nginx"), "nginx").get("depends_on"), "depends_on");
        assertEquals(chatNodes().keySet(), nginxNeeds.keySet());
        nginxNeeds.values().forEach(need -> assertEquals(Map.of("condition", "service_healthy"), need));
    }

    /** One descriptor per socket: the nodes' limit must exceed what the connector may hold open. */
    @Test
    void chatNodesMayOpenMoreFilesThanTheConnectorHoldsSockets() throws Exception {
        int maxConnections = Integer.parseInt(connector().getAttribute("maxConnections"));
        for (var node : chatNodes().entrySet()) {
            Map<String, Object> nofile = map(map(node.getValue().get("ulimits"), "ulimits").get("nofile"), "nofile");
            int soft = ((Number) nofile.get("soft")).intValue();
            assertTrue(soft > maxConnections + 1000, node.getKey() + ": nofile " + soft + ", maxConnections "
                    + maxConnections);
            String grace = String.valueOf(node.getValue().get("stop_grace_period"));
            assertTrue(grace.matches("\\d+s") && Integer.parseInt(grace.replace("s", "")) > 10,
                    node.getKey() + ": stop_grace_period " + grace + " (docker's default is 10 s)");
        }
    }

    /** Services built from the Dockerfile, by name. */
    private Map<String, Map<String, Object>> chatNodes() {
        Map<String, Map<String, Object>> nodes = new LinkedHashMap<>();
        for (var service : services.entrySet()) {
            Map<String, Object> definition = map(service.getValue(), service.getKey());
            if (definition.containsKey("build")) {
                nodes.put(service.getKey(), definition);
            }
        }
        return nodes;
    }

    /** The CHAT_* names that the application's code looks up. */
    private static Set<String> applicationSettings() throws IOException {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> sources = Files.walk(PROJECT.resolve("src/main/java"))) {
            for (Path source : sources.filter(path -> path.toString().endsWith(".java")).toList()) {
                Matcher matcher = SETTING_NAME.matcher(Files.readString(source, StandardCharsets.UTF_8));
                while (matcher.find()) {
                    names.add(matcher.group(1));
                }
            }
        }
        return names;
    }

    private static Element connector() throws Exception {
        var document = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(PROJECT.resolve("deploy/tomcat/server.xml").toFile());
        var connectors = document.getElementsByTagName("Connector");
        assertEquals(1, connectors.getLength(), "connectors in server.xml");
        return (Element) connectors.item(0);
    }

    /** The connector's port when {@code chat.http.port} is not set: {@code ${chat.http.port:-<default>}}. */
    private static int serverXmlDefaultPort() throws Exception {
        Matcher port = Pattern.compile("\\$\\{chat\\.http\\.port:-(\\d+)}").matcher(connector().getAttribute("port"));
        assertTrue(port.matches(), "server.xml's connector port: " + connector().getAttribute("port"));
        return Integer.parseInt(port.group(1));
    }

    /** A sed basic regular expression that the tests accept: literal text, with {@code \.} for a dot. */
    private static String literal(String pattern) {
        String text = pattern.replace("\\.", ".");
        assertFalse(text.matches(".*[\\\\*\\[\\]^$].*"), "sed pattern is more than literal text: " + pattern);
        return text;
    }

    /** Compose's interpolation with no variable set: {@code ${NAME:-default}} is the default, {@code $$} is $. */
    private static Object interpolate(Object node) {
        if (node instanceof String text) {
            Matcher matcher = INTERPOLATION.matcher(text);
            StringBuilder out = new StringBuilder();
            while (matcher.find()) {
                String value;
                if (matcher.group().equals("$$")) {
                    value = "$";
                } else if (matcher.group(2) != null) {
                    value = matcher.group(3);
                } else {
                    throw new AssertionError("compose.yaml uses ${" + matcher.group(1) + "} without a default");
                }
                matcher.appendReplacement(out, Matcher.quoteReplacement(value));
            }
            matcher.appendTail(out);
            assertFalse(INTERPOLATION.matcher(text).replaceAll("").contains("$"),
                    "interpolation this test does not know in " + text);
            return out.toString();
        }
        if (node instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((key, value) -> copy.put(String.valueOf(key), interpolate(value)));
            return copy;
        }
        if (node instanceof List<?> list) {
            return list.stream().map(ComposeFileTest::interpolate).toList();
        }
        return node;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node, String what) {
        if (!(node instanceof Map)) {
            throw new AssertionError(what + " is not a mapping: " + node);
        }
        return (Map<String, Object>) node;
    }

    private static List<String> strings(Object node) {
        if (node == null) {
            return List.of();
        }
        if (!(node instanceof List<?> list)) {
            throw new AssertionError("not a list: " + node);
        }
        return list.stream().map(String::valueOf).toList();
    }
}
