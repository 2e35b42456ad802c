package org.chatrooms.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A WebSocket client on a bare TCP socket, for what well-behaved clients cannot do: send bytes that are not
 * UTF-8 in a text frame, or stop reading altogether while the server keeps sending. Every read has a timeout.
 */
public final class RawWebSocket implements AutoCloseable {

    public static final int OP_TEXT = 0x1;
    public static final int OP_CLOSE = 0x8;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final SecureRandom random = new SecureRandom();

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /**
     * Opens a socket to {@code uri} (a ws:// URL) and completes the handshake with a same-host Origin.
     * {@code receiveBuffer} sets SO_RCVBUF, so a client that stops reading backs up quickly.
     */
    public static RawWebSocket open(URI uri, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.setSoTimeout((int) ChatClient.TIMEOUT.toMillis());
        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), (int) ChatClient.TIMEOUT.toMillis());
        RawWebSocket raw = new RawWebSocket(socket);
        raw.handshake(uri);
        return raw;
    }

    private void handshake(URI uri) throws IOException {
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        String request = "GET " + uri.getRawPath() + " HTTP/1.1\r\n"
                + "Host: " + uri.getHost() + ":" + uri.getPort() + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "Origin: http://" + uri.getHost() + ":" + uri.getPort() + "\r\n\r\n";
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String status = readLine();
        if (!status.startsWith("HTTP/1.1 101")) {
            throw new IOException("Handshake refused: " + status);
        }
        while (!readLine().isEmpty()) {
            // skip the response headers
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new EOFException("Connection closed during handshake");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    /** Sends one masked frame with exactly these payload bytes (valid UTF-8 or not). */
    public void sendFrame(int opcode, byte[] payload) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write(0x80 | opcode);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xFF);
        } else {
            frame.write(0x80 | 127);
            frame.writeBytes(ByteBuffer.allocate(8).putLong(payload.length).array());
        }
        byte[] mask = new byte[4];
        random.nextBytes(mask);
        frame.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    /** A frame from the server (servers do not mask). */
    public record Frame(int opcode, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The status code of a close frame, or 1005 if it carried none. */
        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
        }
    }

    /** Reads the next frame; fails after the socket timeout. */
    public Frame readFrame() throws IOException {
        int first = in.readUnsignedByte();
        int second = in.readUnsignedByte();
        long length = second & 0x7F;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[Math.toIntExact(length)];
        in.readFully(payload);
        return new Frame(first & 0x0F, payload);
    }

    /** How the server ended a connection: after how many data frames, and with which close code. */
    public record Ending(int dataFrames, int closeCode) {
        /** The code used when the server dropped the TCP connection without a close frame. */
        public static final int NO_CLOSE_FRAME = 1006;
    }

    /**
     * Reads until the server ends the connection, with a close frame or by closing TCP. Fails with a timeout if
     * the server keeps the connection open and silent.
     */
    public Ending readUntilEnd() throws IOException {
        int dataFrames = 0;
        while (true) {
            Frame frame;
            try {
                frame = readFrame();
            } catch (EOFException | java.net.SocketException e) {
                return new Ending(dataFrames, Ending.NO_CLOSE_FRAME);
            }
            if (frame.opcode() == OP_CLOSE) {
                return new Ending(dataFrames, frame.closeCode());
            }
            dataFrames++;
        }
    }

    /** Reads until the server's close frame and returns its code; data frames before it are skipped. */
    public int readUntilClose() throws IOException {
        return readUntilEnd().closeCode();
    }

    public InputStream input() {
        return in;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
