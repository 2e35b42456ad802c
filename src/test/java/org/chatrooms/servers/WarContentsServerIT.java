package org.chatrooms.servers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.Test;

/**
 * The WAR carries no part of a container: a second copy of the Servlet or WebSocket API, or of Tomcat, in
 * WEB-INF/lib would clash with the server's own (class cast errors, or the server's WebSocket implementation not
 * seeing our endpoint). It bundles only what plain Tomcat lacks.
 */
class WarContentsServerIT {

    private static final Pattern CONTAINER_JAR = Pattern.compile(
            "WEB-INF/lib/(tomcat-.*|jakarta\\.servlet-api.*|jakarta\\.servlet\\.jsp.*|jakarta\\.el.*"
                    + "|jakarta\\.websocket-api.*|jakarta\\.websocket-client-api.*|jakarta\\.annotation-api.*"
                    + "|ecj-.*|tyrus-.*|.*glassfish.*)\\.jar");

    @Test
    void bundlesNoContainerJars() throws Exception {
        try (ZipFile war = new ZipFile(StandaloneServer.builtWar().toFile())) {
            List<String> libraries = war.stream().map(entry -> entry.getName())
                    .filter(name -> name.startsWith("WEB-INF/lib/") && name.endsWith(".jar"))
                    .sorted()
                    .toList();
            assertEquals(List.of(), libraries.stream().filter(name -> CONTAINER_JAR.matcher(name).matches()).toList(),
                    "container jars in the WAR");
            for (String needed : new String[] {"jakarta.json-api-", "parsson-", "jedis-"}) {
                assertTrue(libraries.stream().anyMatch(name -> name.startsWith("WEB-INF/lib/" + needed)),
                        needed + " missing from " + libraries);
            }
        }
    }
}
