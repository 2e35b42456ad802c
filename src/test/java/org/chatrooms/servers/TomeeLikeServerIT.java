package org.chatrooms.servers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TomEE 10, covered by its differences from the Tomcat this suite already tests, since no TomEE distribution
 * resolves from the registry here. TomEE 10 is Tomcat 10.1 plus server-provided Jakarta EE implementations; of
 * those, the one this WAR meets is JSON-P: TomEE's {@code lib/} holds the Jakarta EE API jar
 * ({@code org.apache.tomee:jakartaee-api}, JSON-P API included) and Johnzon ({@code johnzon-core}), while the WAR
 * bundles its own JSON-P API and Parsson. So: the oldest Tomcat 10.1 that resolves (older than any TomEE 10's base)
 * with exactly those jars of TomEE's in its {@code lib/}, and the whole {@link StandaloneServerContract} on it.
 *
 * <p>The two deployments load JSON-P from opposite ends, bracketing whatever a TomEE class loader settles on
 * (TomEE's own loader takes the API from the server and, filtering the server's provider entry, the WAR's Parsson):
 * {@code ROOT} is Tomcat's default, the WAR's classes first (the WAR's API and Parsson, with Johnzon also visible);
 * {@code chat-app} has {@code <Loader delegate="true"/>}, the server's classes first, so it runs on the server's
 * API and Johnzon. Both must speak the same wire format; {@link #bothDeploymentsRunOnTheirOwnJsonProvider} checks,
 * in the server's heap, that each really runs on its own provider.
 *
 * <p>CDI (OpenWebBeans in TomEE) is the other difference: {@code WarContentsServerIT} checks that the WAR gives a
 * CDI container nothing to discover.
 */
class TomeeLikeServerIT extends StandaloneServerContract {

    /** ChatCodec keeps one provider per deployment in a static field, so each is live in the heap. */
    private static final String PARSSON_PROVIDER = "org.eclipse.parsson.JsonProviderImpl";
    private static final String JOHNZON_PROVIDER = "org.apache.johnzon.core.JsonProviderImpl";

    @Override
    protected StandaloneServer createServer() {
        Path lib = Path.of(System.getProperty("chat.tomee.lib", "target/servers/dist/tomee-lib"));
        List<Path> jars;
        try (var files = Files.list(lib)) {
            jars = files.filter(file -> file.toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException("No TomEE jars in " + lib + ": run with -Pservers", e);
        }
        for (String needed : new String[] {"johnzon-core-", "jakartaee-api-"}) {
            assertTrue(jars.stream().anyMatch(jar -> jar.getFileName().toString().startsWith(needed)), jars::toString);
        }
        return TomcatServer.withServerLibraries(
                "TomEE-like Tomcat " + System.getProperty("chat.tomee.tomcat.version", "10.1") + " + Johnzon "
                        + System.getProperty("chat.tomee.johnzon.version", "?"),
                "tomee-like", "chat.tomee.tomcat.home", jars,
                Map.of(StandaloneServer.CONTEXT_PATH.substring(1), "<Context><Loader delegate=\"true\"/></Context>\n"));
    }

    /** The README's error codes, whichever JSON-P parses the frame. */
    @ParameterizedTest(name = "{0}, {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "ROOT           | `{`                                              | invalid_json",
            "/chat-app      | `{`                                              | invalid_json",
            "ROOT           | `[1]`                                            | not_an_object",
            "/chat-app      | `[1]`                                            | not_an_object",
            "ROOT           | `{\"message\":\"a\"} {}`                         | invalid_json",
            "/chat-app      | `{\"message\":\"a\"} {}`                         | invalid_json",
            "ROOT           | `{\"message\":1}`                                | message_not_string",
            "/chat-app      | `{\"message\":1}`                                | message_not_string",
            "ROOT           | `{\"message\":\"\"}`                             | empty_message",
            "/chat-app      | `{\"message\":\"\"}`                             | empty_message",
            "ROOT           | `{\"message\":\"a\\u0001\"}`                     | control_character",
            "/chat-app      | `{\"message\":\"a\\u0001\"}`                     | control_character",
            "ROOT           | `{\"message\":\"\\ud800\"}`                      | invalid_text",
            "/chat-app      | `{\"message\":\"\\ud800\"}`                      | invalid_text",
            "ROOT           | `{\"message\":\"hi\",\"user\":5}`                | invalid_name",
            "/chat-app      | `{\"message\":\"hi\",\"user\":5}`                | invalid_name",
            "ROOT           | `{\"x\":[[[[[[[[[1]]]]]]]]],\"message\":\"m\"}`  | too_deep",
            "/chat-app      | `{\"x\":[[[[[[[[[1]]]]]]]]],\"message\":\"m\"}`  | too_deep"})
    void badFramesGetTheSameErrorCodes(String deployment, String frame, String code) {
        String context = deployment.equals("ROOT") ? "" : deployment;
        try (var client = org.chatrooms.testing.ChatClient.connect(ws(context, "ws/chat/json_p/"), sameOrigin())) {
            client.sendRaw(frame);
            JsonObject error = client.next();
            assertEquals("error", error.getString("type"), error.toString());
            assertEquals(code, error.getString("code"), frame + " -> " + error);
        }
    }

    /** Text that JSON encoders escape differently comes back exactly; members the server ignores stay ignored. */
    @ParameterizedTest(name = "context \"{0}\"")
    @ValueSource(strings = {"", StandaloneServer.CONTEXT_PATH})
    void trickyTextRoundTrips(String context) {
        String text = "h\u00e9llo \"quoted\" back\\slash /slash tab\there line\nbreak \u2028 \u2029 \ud834\udd1e "
                + "\u53f0\u7a4d\u96fb <script>&amp;";
        try (var client = org.chatrooms.testing.ChatClient.connect(ws(context, "ws/chat/json_p/"), sameOrigin())) {
            client.sendRaw(Json.createObjectBuilder().add("message", text).add("user", "Zo\u00eb")
                    .add("ignored", Json.createObjectBuilder().add("big", new java.math.BigDecimal("1e400")))
                    .build().toString());
            JsonObject echo = client.nextChat();
            assertEquals(text, echo.getString("message"));
            assertEquals("Zo\u00eb", echo.getString("user"));
            client.sendRaw("{\"message\":\"n\",\"huge\":1e999999999,\"deep\":[[[[[[[[1]]]]]]]]}");
            assertEquals("n", client.nextChat().getString("message"));
        }
    }

    /**
     * The server's heap holds a live Parsson provider and a live Johnzon provider. ROOT cannot hold Johnzon's (it
     * implements the server's JSON-P API, not the WAR's copy that ROOT's classes see), so the Johnzon provider is
     * chat-app's: that deployment really runs on the server's JSON-P.
     */
    @org.junit.jupiter.api.Test
    void bothDeploymentsRunOnTheirOwnJsonProvider() throws Exception {
        // Load the codec of both deployments (its static provider), if no test above has.
        for (String context : new String[] {"", StandaloneServer.CONTEXT_PATH}) {
            try (var client = org.chatrooms.testing.ChatClient.connect(ws(context, "ws/chat/json_p/"), sameOrigin())) {
                client.say("loaded");
                client.nextChat();
            }
        }
        ImageServer.Result histogram = ImageServer.run(Duration.ofSeconds(60), List.of(
                StandaloneServer.JAVA_HOME.resolve("bin/jcmd").toString(), Long.toString(server().pid()),
                "GC.class_histogram"));
        assertEquals(0, histogram.status(), histogram.output());
        assertTrue(histogram.output().contains(" " + PARSSON_PROVIDER + "\n")
                || histogram.output().contains(" " + PARSSON_PROVIDER + " "), "no live Parsson provider");
        assertTrue(histogram.output().contains(" " + JOHNZON_PROVIDER + "\n")
                || histogram.output().contains(" " + JOHNZON_PROVIDER + " "), "no live Johnzon provider");
    }
}
