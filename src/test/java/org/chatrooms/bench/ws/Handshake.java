package org.chatrooms.bench.ws;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The HTTP/1.1 upgrade of RFC 6455 section 4, both sides, as browsers send it: a same-host {@code Origin} (the
 * server refuses others with 403), no subprotocol, no extensions.
 */
public final class Handshake {

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final byte[] END_OF_HEADERS = {'\r', '\n', '\r', '\n'};

    private Handshake() {
    }

    /** The request for {@code path} on {@code host:port}, with Origin {@code http://host:port}. */
    public static byte[] request(String host, int port, String path) {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String authority = host + ":" + port;
        return ("GET " + path + " HTTP/1.1\r\n"
                + "Host: " + authority + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "Origin: http://" + authority + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * If {@code in} holds a whole response head, consumes it and returns its status code (101 = upgraded); bytes
     * after the head (the first frames may come in the same packet) stay in {@code in}. Returns -1 if the head is
     * not complete yet.
     */
    public static int readResponse(ByteBuffer in) {
        String head = readHead(in);
        if (head == null) {
            return -1;
        }
        // "HTTP/1.1 101 ..."
        int space = head.indexOf(' ');
        try {
            return Integer.parseInt(head.substring(space + 1, space + 4));
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /**
     * Server side: if {@code in} holds a whole request head, consumes it and returns it (request line and
     * headers), else null.
     */
    public static String readHead(ByteBuffer in) {
        int end = indexOf(in, END_OF_HEADERS);
        if (end < 0) {
            return null;
        }
        byte[] head = new byte[end - in.position()];
        in.get(head);
        in.position(in.position() + END_OF_HEADERS.length);
        return new String(head, StandardCharsets.ISO_8859_1);
    }

    /** The path of a request head's request line. */
    public static String path(String head) {
        String line = head.substring(0, head.indexOf('\r') < 0 ? head.length() : head.indexOf('\r'));
        String[] parts = line.split(" ");
        return parts.length >= 2 ? parts[1] : "/";
    }

    /** The value of a header of a request head, or null. */
    public static String header(String head, String name) {
        String wanted = name.toLowerCase(Locale.ROOT) + ":";
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith(wanted)) {
                return line.substring(wanted.length()).trim();
            }
        }
        return null;
    }

    /** Server side: the 101 answer to a request with this {@code Sec-WebSocket-Key}. */
    public static byte[] switchingProtocols(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + Base64.getEncoder().encodeToString(digest) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }

    private static int indexOf(ByteBuffer in, byte[] pattern) {
        outer:
        for (int i = in.position(); i <= in.limit() - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (in.get(i + j) != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
