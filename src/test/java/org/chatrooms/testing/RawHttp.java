package org.chatrooms.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One HTTP/1.1 exchange written byte for byte, for requests that well-behaved clients refuse to send: a foreign
 * {@code Host}, {@code Upgrade: websocket, foo}, a handshake by POST. Reads the answer's head and then its body
 * (by {@code Content-Length}, chunks, or until the server closes); a 101 ends at its head. Every read has a timeout.
 */
public final class RawHttp {

    /** What came back; {@code status} is 0 when the server closed the connection without answering. */
    public record Response(int status, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public boolean closedWithoutAnswer() {
            return status == 0;
        }
    }

    private RawHttp() {
    }

    /** A fresh {@code Sec-WebSocket-Key}. */
    public static String newKey() {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        return Base64.getEncoder().encodeToString(nonce);
    }

    /**
     * The head of a WebSocket handshake: {@code method path}, the given {@code Host}, {@code Upgrade} and
     * {@code Origin} (null leaves it out), a key and version 13, ending with the blank line.
     */
    public static String handshake(String method, String path, String host, String upgrade, String origin) {
        return method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: " + upgrade
                + "\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + newKey() + "\r\nSec-WebSocket-Version: 13\r\n"
                + (origin == null ? "" : "Origin: " + origin + "\r\n") + "\r\n";
    }

    /** A plain GET that closes the connection after the answer. */
    public static String get(String path, String host) {
        return "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
    }

    /** Sends {@code request} (the whole head, and any body) to 127.0.0.1:{@code port} and reads the answer. */
    public static Response send(int port, String request) {
        try (Socket socket = new Socket()) {
            socket.setSoTimeout((int) ChatClient.TIMEOUT.toMillis());
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) ChatClient.TIMEOUT.toMillis());
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            return read(socket.getInputStream(), request.startsWith("HEAD "));
        } catch (SocketTimeoutException e) {
            throw new AssertionError("No answer within " + ChatClient.TIMEOUT + " to\n" + request, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Response read(InputStream in, boolean head) throws IOException {
        String statusLine;
        try {
            statusLine = line(in);
        } catch (java.net.SocketException reset) {
            return new Response(0, Map.of(), "");
        }
        if (statusLine == null) {
            return new Response(0, Map.of(), "");
        }
        int status = Integer.parseInt(statusLine.split(" ", 3)[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
            int colon = header.indexOf(':');
            headers.merge(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim(),
                    (a, b) -> a + ", " + b);
        }
        if (status == 101 || status == 204 || status == 304 || head) {
            return new Response(status, headers, "");
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (headers.containsKey("content-length")) {
            body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            for (int size = Integer.parseInt(line(in).split(";")[0].trim(), 16); size > 0;
                    size = Integer.parseInt(line(in).split(";")[0].trim(), 16)) {
                body.write(in.readNBytes(size));
                line(in);
            }
        } else {
            body.write(in.readAllBytes());
        }
        return new Response(status, headers, body.toString(StandardCharsets.UTF_8));
    }

    /** One CRLF-terminated line, or null at the end of the stream before any byte of it. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.UTF_8);
    }
}
