package org.chatrooms.relay.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A Lua script of ours, read from resources beside the class that runs it (reviewable files, not strings in Java),
 * and the SHA-1 Redis knows it by, computed here so a node can start while Redis is unreachable. Immutable.
 */
public record LuaScript(String text, String sha) {

    public LuaScript(String text) {
        this(text, sha1(text));
    }

    /** The resources {@code names}, found beside {@code anchor}, joined in order into one script. */
    public static LuaScript of(Class<?> anchor, String... names) {
        StringBuilder text = new StringBuilder();
        for (String name : names) {
            text.append(resource(anchor, name));
        }
        return new LuaScript(text.toString());
    }

    private static String resource(Class<?> anchor, String name) {
        try (InputStream in = anchor.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing script resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-1", e);
        }
    }
}
