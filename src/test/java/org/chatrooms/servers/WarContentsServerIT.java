package org.chatrooms.servers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

import org.junit.jupiter.api.Test;

/**
 * The WAR carries no part of a container: a second copy of the Servlet or WebSocket API, or of Tomcat, in
 * WEB-INF/lib would clash with the server's own (class cast errors, or the server's WebSocket implementation not
 * seeing our endpoint). It bundles only what plain Tomcat lacks, and nothing that a CDI container would manage.
 */
class WarContentsServerIT {

    private static final Pattern CONTAINER_JAR = Pattern.compile(
            "WEB-INF/lib/(tomcat-.*|jakarta\\.servlet-api.*|jakarta\\.servlet\\.jsp.*|jakarta\\.el.*"
                    + "|jakarta\\.websocket-api.*|jakarta\\.websocket-client-api.*|jakarta\\.annotation-api.*"
                    + "|ecj-.*|tyrus-.*|.*glassfish.*)\\.jar");

    /**
     * Class-file descriptors that make a CDI container manage a class: CDI 4's bean-defining annotations (the
     * built-in scopes, {@code @Dependent}, interceptors, decorators, stereotypes such as {@code @Model}), which make
     * an archive without {@code beans.xml} an implicit bean archive, and EJB annotations, which TomEE deploys.
     */
    private static final List<String> MANAGED_BY_A_CONTAINER = List.of(
            "Ljakarta/enterprise/context/", "Ljakarta/interceptor/Interceptor;", "Ljakarta/decorator/Decorator;",
            "Ljakarta/enterprise/inject/Stereotype;", "Ljakarta/enterprise/inject/Model;", "Ljakarta/ejb/",
            "Ljavax/enterprise/context/", "Ljavax/ejb/");

    /** Tomcat's own packages as class files name them (a string constant such as a property name has dots). */
    private static final List<String> TOMCAT_PACKAGES = List.of("org/apache/catalina/", "org/apache/tomcat/",
            "org/apache/coyote/");

    /** Service files that register CDI extensions, which a CDI container runs. */
    private static final List<String> CDI_EXTENSIONS = List.of(
            "META-INF/services/jakarta.enterprise.inject.spi.Extension",
            "META-INF/services/jakarta.enterprise.inject.build.compatible.spi.BuildCompatibleExtension");

    /**
     * A CDI container (OpenWebBeans in TomEE, Weld in Payara) finds nothing to discover in the WAR: no
     * {@code beans.xml} (in {@code WEB-INF}, {@code WEB-INF/classes/META-INF} or any bundled jar), no portable
     * extension, no class with a bean-defining or EJB annotation. So the endpoint, servlets, filters and listener
     * stay plain container-created objects, as on Tomcat, and nothing is scanned or proxied behind their back.
     */
    @Test
    void givesACdiContainerNothingToDiscover() throws Exception {
        List<String> found = new ArrayList<>();
        try (ZipFile war = new ZipFile(StandaloneServer.builtWar().toFile())) {
            for (ZipEntry entry : war.stream().toList()) {
                String name = entry.getName();
                if (name.equals("WEB-INF/beans.xml") || name.equals("WEB-INF/classes/META-INF/beans.xml")) {
                    found.add(name);
                } else if (name.startsWith("WEB-INF/classes/") && name.endsWith(".class")) {
                    try (InputStream in = war.getInputStream(entry)) {
                        managedAnnotation(in.readAllBytes()).ifPresent(a -> found.add(name + " uses " + a));
                    }
                } else if (name.startsWith("WEB-INF/lib/") && name.endsWith(".jar")) {
                    try (ZipInputStream jar = new ZipInputStream(war.getInputStream(entry))) {
                        found.addAll(cdiSurprises(name, jar));
                    }
                }
            }
        }
        assertEquals(List.of(), found, "what a CDI container would pick up in the WAR");
    }

    private static List<String> cdiSurprises(String jarName, ZipInputStream jar) throws IOException {
        List<String> found = new ArrayList<>();
        for (ZipEntry entry = jar.getNextEntry(); entry != null; entry = jar.getNextEntry()) {
            String name = entry.getName();
            if (name.equals("META-INF/beans.xml") || CDI_EXTENSIONS.contains(name)) {
                found.add(jarName + "!/" + name);
            } else if (name.endsWith(".class")) {
                String entryName = name;
                managedAnnotation(jar.readAllBytes())
                        .ifPresent(a -> found.add(jarName + "!/" + entryName + " uses " + a));
            }
        }
        return found;
    }

    /** The first {@link #MANAGED_BY_A_CONTAINER} descriptor in a class file's constant pool. */
    private static java.util.Optional<String> managedAnnotation(byte[] classFile) {
        String constants = new String(classFile, StandardCharsets.ISO_8859_1);
        return MANAGED_BY_A_CONTAINER.stream().filter(constants::contains).findFirst();
    }

    /**
     * The application's classes refer to no class of Tomcat's (Payara has none; pom.xml compiles against Tomcat in
     * {@code provided} scope only for org.chatrooms.tomcat), and org.chatrooms.tomcat, which extends Tomcat's pool,
     * is not among them: it is packaged for Tomcat's lib/ as a jar of its own.
     */
    @Test
    void applicationClassesNeedNoTomcat() throws Exception {
        List<String> found = new ArrayList<>();
        try (ZipFile war = new ZipFile(StandaloneServer.builtWar().toFile())) {
            for (ZipEntry entry : war.stream().toList()) {
                String name = entry.getName();
                if (name.startsWith("WEB-INF/classes/org/chatrooms/tomcat/")) {
                    found.add(name);
                } else if (name.startsWith("WEB-INF/classes/") && name.endsWith(".class")) {
                    try (InputStream in = war.getInputStream(entry)) {
                        String constants = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                        TOMCAT_PACKAGES.stream().filter(constants::contains)
                                .forEach(tomcat -> found.add(name + " refers to " + tomcat));
                    }
                }
            }
        }
        assertEquals(List.of(), found, "Tomcat's classes in or under the WAR's own");
    }

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
