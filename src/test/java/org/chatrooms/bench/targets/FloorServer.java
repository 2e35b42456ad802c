package org.chatrooms.bench.targets;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonGenerator;

import org.chatrooms.bench.ws.Frame;
import org.chatrooms.bench.ws.FrameCodec;
import org.chatrooms.bench.ws.Handshake;

/**
 * "The floor": the least a chat server can do, in one thread: accept {@code /ws/chat/<room>/} upgrades, and for
 * every {@code {"message": ...}} write one {@code chat.message} frame (same members as the real server's, encoded
 * once) to every socket of the room. No validation, no origin check, no relay, no queue limits: it measures what
 * the load tool and the kernel's loopback cost, so the real server's figures can be read against it.
 *
 * <p>Threads: one, {@code bench-floor}, which does everything; {@link #close()} stops and joins it.
 */
public final class FloorServer implements AutoCloseable {

    private static final JsonProvider JSON = JsonProvider.provider();

    private final ServerSocketChannel server;
    private final Selector selector;
    private final Thread thread;
    private final ByteBuffer in = ByteBuffer.allocateDirect(FrameCodec.MAX_PAYLOAD + 64 * 1024);
    private final ByteBuffer out = ByteBuffer.allocate(FrameCodec.MAX_PAYLOAD + 16);
    private final FrameCodec codec = new FrameCodec();
    private final Frame frame = new Frame();
    private final Map<String, FloorRoom> rooms = new HashMap<>();
    private volatile boolean running = true;

    private static final class FloorRoom {
        final List<Peer> peers = new ArrayList<>();
        long nextId = 1;
    }

    private static final class Peer {
        final SocketChannel channel;
        SelectionKey key;
        FloorRoom room;
        String roomName;
        ByteBuffer carry;
        ByteBuffer backlog;

        Peer(SocketChannel channel) {
            this.channel = channel;
        }
    }

    private FloorServer() throws IOException {
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        server.configureBlocking(false);
        selector = Selector.open();
        server.register(selector, SelectionKey.OP_ACCEPT);
        thread = new Thread(this::run, "bench-floor");
        thread.setDaemon(true);
    }

    public static FloorServer start() throws IOException {
        FloorServer floor = new FloorServer();
        floor.thread.start();
        return floor;
    }

    public InetSocketAddress address() throws IOException {
        return (InetSocketAddress) server.getLocalAddress();
    }

    /** CPU time its one thread used so far, nanoseconds. */
    public long cpuNanos() {
        return Math.max(0, ManagementFactory.getThreadMXBean().getThreadCpuTime(thread.getId()));
    }

    @Override
    public void close() throws IOException, InterruptedException {
        running = false;
        selector.wakeup();
        thread.join(TimeUnit.SECONDS.toMillis(10));
        server.close();
    }

    private void run() {
        try {
            while (running) {
                selector.select();
                Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                while (ready.hasNext()) {
                    SelectionKey key = ready.next();
                    ready.remove();
                    if (key.isAcceptable()) {
                        accept();
                    } else {
                        Peer peer = (Peer) key.attachment();
                        try {
                            if (key.isValid() && key.isWritable()) {
                                flush(peer);
                            }
                            if (key.isValid() && key.isReadable()) {
                                read(peer);
                            }
                        } catch (IOException | RuntimeException e) {
                            drop(peer);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            for (SelectionKey key : selector.keys()) {
                try {
                    key.channel().close();
                } catch (IOException ignored) {
                    // stopping
                }
            }
            try {
                selector.close();
            } catch (IOException ignored) {
                // stopping
            }
        }
    }

    private void accept() throws IOException {
        SocketChannel channel;
        while ((channel = server.accept()) != null) {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            Peer peer = new Peer(channel);
            peer.key = channel.register(selector, SelectionKey.OP_READ, peer);
        }
    }

    private void read(Peer peer) throws IOException {
        in.clear();
        if (peer.carry != null) {
            in.put(peer.carry);
            peer.carry = null;
        }
        if (peer.channel.read(in) < 0) {
            drop(peer);
            return;
        }
        in.flip();
        if (peer.room == null) {
            String head = Handshake.readHead(in);
            if (head == null) {
                keep(peer);
                return;
            }
            String path = Handshake.path(head);
            String name = path.replaceFirst("^/ws/chat/", "").replaceFirst("/$", "");
            write(peer, ByteBuffer.wrap(Handshake.switchingProtocols(Handshake.header(head, "Sec-WebSocket-Key"))));
            peer.roomName = name;
            peer.room = rooms.computeIfAbsent(name, n -> new FloorRoom());
            peer.room.peers.add(peer);
        }
        while (peer.key.isValid() && FrameCodec.decode(in, frame)) {
            switch (frame.opcode()) {
                case Frame.TEXT -> broadcast(peer, text(frame));
                case Frame.PING -> send(peer, Frame.PONG, frame.payloadCopy());
                case Frame.CLOSE -> {
                    send(peer, Frame.CLOSE, frame.payloadCopy());
                    drop(peer);
                }
                default -> { } // pong, binary, fragments: the load tool sends none
            }
        }
        if (peer.key.isValid()) {
            keep(peer);
        }
    }

    private void keep(Peer peer) {
        if (in.hasRemaining()) {
            peer.carry = ByteBuffer.allocate(in.remaining());
            peer.carry.put(in).flip();
        }
    }

    private static String text(Frame frame) {
        byte[] bytes = frame.payloadCopy();
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The real server's frame, built with JSON-P once per message, written to every peer of the room. */
    private void broadcast(Peer from, String clientFrame) throws IOException {
        String message;
        try (JsonReader reader = JSON.createReader(new StringReader(clientFrame))) {
            JsonObject object = reader.readObject();
            message = object.getString("message", "");
        }
        StringWriter json = new StringWriter(256);
        try (JsonGenerator generator = JSON.createGenerator(json)) {
            generator.writeStartObject()
                    .write("type", "chat.message")
                    .write("room", from.roomName)
                    .write("id", from.room.nextId++)
                    .write("ts", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString())
                    .write("user", "anonymous")
                    .write("message", message)
                    .writeEnd();
        }
        out.clear();
        codec.encode(Frame.TEXT, json.toString().getBytes(StandardCharsets.UTF_8), false, out);
        out.flip();
        for (Peer peer : List.copyOf(from.room.peers)) {
            out.rewind();
            try {
                write(peer, out);
            } catch (IOException e) {
                drop(peer);
            }
        }
    }

    private void send(Peer peer, int opcode, byte[] payload) throws IOException {
        ByteBuffer frameBytes = ByteBuffer.allocate(FrameCodec.frameLength(payload.length, false));
        codec.encode(opcode, payload, false, frameBytes);
        frameBytes.flip();
        write(peer, frameBytes);
    }

    private void write(Peer peer, ByteBuffer bytes) throws IOException {
        if (peer.backlog == null) {
            peer.channel.write(bytes);
            if (!bytes.hasRemaining()) {
                return;
            }
            peer.backlog = ByteBuffer.allocate(Math.max(4096, bytes.remaining() * 2));
            peer.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        }
        if (peer.backlog.remaining() < bytes.remaining()) {
            ByteBuffer bigger = ByteBuffer.allocate((peer.backlog.position() + bytes.remaining()) * 2);
            peer.backlog.flip();
            bigger.put(peer.backlog);
            peer.backlog = bigger;
        }
        peer.backlog.put(bytes);
    }

    private void flush(Peer peer) throws IOException {
        peer.backlog.flip();
        peer.channel.write(peer.backlog);
        if (peer.backlog.hasRemaining()) {
            peer.backlog.compact();
        } else {
            peer.backlog = null;
            peer.key.interestOps(SelectionKey.OP_READ);
        }
    }

    private void drop(Peer peer) {
        if (peer.room != null) {
            peer.room.peers.remove(peer);
            if (peer.room.peers.isEmpty()) {
                rooms.remove(peer.roomName);
            }
            peer.room = null;
        }
        peer.key.cancel();
        try {
            peer.channel.close();
        } catch (IOException ignored) {
            // gone either way
        }
    }
}
