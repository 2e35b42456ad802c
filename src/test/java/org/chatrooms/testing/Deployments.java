package org.chatrooms.testing;

import java.io.File;
import java.util.Map;
import java.util.stream.Collectors;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** Arquillian deployments of the WAR that {@code mvn package} built, never a hand-assembled subset of it. */
public final class Deployments {

    private Deployments() {
    }

    /**
     * The built WAR as the ROOT context, with {@code settings} as context parameters in a {@code context.xml}
     * (the application reads them before system properties and the environment).
     */
    public static WebArchive builtWar(Map<String, String> settings) {
        String war = System.getProperty("chat.war");
        if (war == null) {
            throw new IllegalStateException("System property chat.war is not set: run the ITs through failsafe");
        }
        String parameters = settings.entrySet().stream()
                .map(e -> "  <Parameter name=\"" + e.getKey() + "\" value=\"" + e.getValue() + "\" override=\"false\"/>")
                .collect(Collectors.joining("\n"));
        // useNaming=false: the adapter turns JNDI on, which only adds noise on undeploy (BUILD-NOTES.md).
        String contextXml = "<Context useNaming=\"false\">\n" + parameters + "\n</Context>\n";
        return ShrinkWrap.create(ZipImporter.class, "ROOT.war")
                .importFrom(new File(war))
                .as(WebArchive.class)
                .addAsManifestResource(new StringAsset(contextXml), "context.xml");
    }

    public static WebArchive builtWar() {
        return builtWar(Map.of());
    }
}
