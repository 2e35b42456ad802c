package org.chatrooms.bench.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.net.StandardSocketOptions;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.json.spi.JsonProvider;

import org.chatrooms.bench.ws.Frame;
import org.chatrooms.bench.ws.FrameCodec;
import org.chatrooms.bench.ws.Handshake;

/**
 * One selector thread driving thousands of client sockets: connects and upgrades them, reads and checks every
 * frame, answers pings and closes, and sends its senders' share of the current step when each message is due.
 *
 * <p>Threads: everything runs on the loop's own thread; other threads only {@link #execute} tasks on it. The
 * loop sleeps in {@code select} until the next message is due (whole milliseconds, so at high rates messages go
 * out in 1 ms batches; their latency still counts from their own due time), or until a socket is ready.
 */
final class ClientLoop implements Runnable {

    private static final JsonProvider JSON = JsonProvider.provider();

    private final Selector selector;
    private final Thread thread;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ToolCounters counters;
    private final StepStats between;
    private final long epoch;
    /** Shared by every socket of this loop: big enough for the longest frame plus a read's worth after it. */
    private final ByteBuffer in = ByteBuffer.allocateDirect(FrameCodec.MAX_PAYLOAD + 64 * 1024);
    private final ByteBuffer out = ByteBuffer.allocate(FrameCodec.MAX_PAYLOAD + 16);
    private final FrameCodec codec = new FrameCodec();
    private final Frame frame = new Frame();
    private final ServerFrameScanner scanner = new ServerFrameScanner();
    private final MessageToken token = new MessageToken();
    private final List<LoadConnection> connections = new ArrayList<>();
    private volatile boolean running = true;
    private Step step;
    private long cursor;

    ClientLoop(String name, ToolCounters counters, StepStats between, long epoch) throws IOException {
        this.selector = Selector.open();
        this.counters = counters;
        this.between = between;
        this.epoch = epoch;
        this.thread = new Thread(this, name);
        thread.setDaemon(true);
        thread.start();
    }

    long threadId() {
        return thread.getId();
    }

    void execute(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    /** Starts sending {@code next}'s share; its receipts count from now on. */
    void begin(Step next) {
        execute(() -> {
            step = next;
            cursor = 0;
            sendDue();
        });
    }

    void connect(LoadConnection c) {
        execute(() -> open(c));
    }

    /** Closes these sockets (close frame 1000, then TCP) and counts down {@code done}. */
    void closeAll(List<LoadConnection> mine, CountDownLatch done) {
        execute(() -> {
            for (LoadConnection c : mine) {
                closeByClient(c);
            }
            connections.removeAll(mine);
            done.countDown();
        });
    }

    void stop() throws InterruptedException {
        running = false;
        selector.wakeup();
        thread.join(TimeUnit.SECONDS.toMillis(10));
    }

    @Override
    public void run() {
        try {
            while (running) {
                long wait = millisUntilDue();
                if (wait == 0) {
                    selector.selectNow();
                } else if (wait < 0) {
                    selector.select();
                } else {
                    selector.select(wait);
                }
                Runnable task;
                while ((task = tasks.poll()) != null) {
                    task.run();
                }
                Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                while (ready.hasNext()) {
                    SelectionKey key = ready.next();
                    ready.remove();
                    handle(key);
                }
                sendDue();
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("selector failed", e);
        } finally {
            for (LoadConnection c : connections) {
                closeQuietly(c);
            }
            try {
                selector.close();
            } catch (IOException ignored) {
                // ending anyway
            }
        }
    }

    /** 0: a message is due now; -1: nothing is scheduled; else milliseconds, rounded up, until the next. */
    private long millisUntilDue() {
        if (step == null || cursor >= step.schedule().messages()) {
            return -1;
        }
        long nanos = step.schedule().due(cursor) - System.nanoTime();
        return nanos <= 0 ? 0 : (nanos + 999_999) / 1_000_000;
    }

    private void handle(SelectionKey key) {
        LoadConnection c = (LoadConnection) key.attachment();
        try {
            if (!key.isValid()) {
                return;
            }
            if (key.isConnectable()) {
                c.channel.finishConnect();
                key.interestOps(SelectionKey.OP_READ);
                startHandshake(c);
            }
            if (key.isValid() && key.isWritable()) {
                c.flush();
            }
            if (key.isValid() && key.isReadable()) {
                read(c);
            }
        } catch (IOException e) {
            ended(c, c.state == LoadConnection.State.OPEN ? "reset (" + e.getClass().getSimpleName() + ")"
                    : "connect failed (" + e.getMessage() + ")");
        } catch (IllegalStateException e) {
            ended(c, "protocol error (" + e.getMessage() + ")");
        }
    }

    private void open(LoadConnection c) {
        try {
            c.channel = SocketChannel.open();
            c.channel.configureBlocking(false);
            c.channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            boolean connected = c.channel.connect(c.target);
            c.key = c.channel.register(selector, connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, c);
            connections.add(c);
            if (connected) {
                startHandshake(c);
            }
        } catch (IOException e) {
            ended(c, "connect failed (" + e.getMessage() + ")");
        }
    }

    private void startHandshake(LoadConnection c) throws IOException {
        c.state = LoadConnection.State.HANDSHAKING;
        c.write(ByteBuffer.wrap(Handshake.request(c.target.getHostString(), c.target.getPort(), c.path)));
    }

    private void read(LoadConnection c) throws IOException {
        in.clear();
        if (c.carry != null) {
            in.put(c.carry);
            c.carry = null;
        }
        int count = c.channel.read(in);
        in.flip();
        if (c.state == LoadConnection.State.HANDSHAKING) {
            int status = Handshake.readResponse(in);
            if (status < 0 && count >= 0) {
                c.keepRemainder(in);
                return;
            }
            if (status != 101) {
                ended(c, status < 0 ? "closed during handshake" : "HTTP " + status);
                return;
            }
            c.state = LoadConnection.State.OPEN;
            c.room.open.incrementAndGet();
            counters.opened.increment();
            c.opened.complete(null);
        }
        while (c.isOpen() && FrameCodec.decode(in, frame)) {
            onFrame(c);
        }
        if (c.isOpen()) {
            if (count < 0) {
                ended(c, "closed without a close frame (1006)");
            } else {
                c.keepRemainder(in);
            }
        }
    }

    private void onFrame(LoadConnection c) throws IOException {
        switch (frame.opcode()) {
            case Frame.TEXT, Frame.CONTINUATION -> {
                if (frame.fin() && frame.opcode() == Frame.TEXT && c.fragments == null) {
                    onText(c, frame.buffer(), frame.payloadStart(), frame.payloadEnd());
                } else {
                    ByteBuffer whole = c.assemble(frame);
                    if (whole != null) {
                        onText(c, whole, 0, whole.limit());
                    }
                }
            }
            case Frame.PING -> {
                counters.pings.increment();
                sendFrame(c, Frame.PONG, frame.payloadCopy());
            }
            case Frame.CLOSE -> {
                int code = frame.closeCode();
                sendFrame(c, Frame.CLOSE, frame.payloadCopy());
                ended(c, "close " + code);
            }
            default -> stats().other.increment(); // pong, binary
        }
    }

    private StepStats stats() {
        return step != null ? step.stats() : between;
    }

    private void onText(LoadConnection c, ByteBuffer buffer, int start, int end) {
        StepStats stats = stats();
        switch (scanner.scan(buffer, start, end)) {
            case LIVE -> {
                if (!token.parse(buffer, scanner.messageStart(), scanner.messageEnd())) {
                    stats.foreign.increment();
                } else if (step == null || token.step() != step.id()) {
                    stats.stale.increment();
                } else if (token.slot() >= c.room.senders()) {
                    stats.foreign.increment();
                } else {
                    long now = System.nanoTime();
                    switch (c.receipts.record(token.step(), token.slot(), token.seq())) {
                        case FIRST -> {
                            stats.delivered.increment();
                            stats.recordLatency(now - epoch - token.scheduled());
                        }
                        case OUT_OF_ORDER -> {
                            stats.delivered.increment();
                            stats.outOfOrder.increment();
                            stats.recordLatency(now - epoch - token.scheduled());
                        }
                        case DUPLICATE -> stats.duplicated.increment();
                    }
                }
            }
            case HISTORY -> stats.history.increment();
            case ERROR -> stats.errors.increment();
            case OTHER -> stats.other.increment();
            case MALFORMED -> stats.malformed.increment();
        }
    }

    /** Sends every message of this loop's senders that is due by now. */
    private void sendDue() {
        Step current = step;
        if (current == null || cursor >= current.schedule().messages()) {
            return;
        }
        SendSchedule schedule = current.schedule();
        LoadConnection[] senders = current.population().senders;
        long now = System.nanoTime();
        while (cursor < schedule.messages()) {
            long due = schedule.due(cursor);
            if (due > now) {
                return;
            }
            LoadConnection sender = senders[schedule.sender(cursor)];
            if (sender.loop == this) {
                send(current, sender, schedule.seq(cursor), due);
            }
            cursor++;
        }
        current.sendingDone();
    }

    private void send(Step current, LoadConnection sender, int seq, long due) {
        StepStats stats = current.stats();
        if (!sender.isOpen()) {
            stats.notSent.increment();
            return;
        }
        String text = MessageToken.text(current.id(), sender.slot, seq, due - epoch, current.messageBytes());
        String json = JSON.createObjectBuilder().add("message", text).build().toString();
        // Counted before the write: the echo may be read before this method returns, never before the write.
        stats.expected.add(sender.room.open.get());
        stats.sent.increment();
        try {
            sendFrame(sender, Frame.TEXT, json.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            ended(sender, "reset on send (" + e.getClass().getSimpleName() + ")");
        }
        stats.recordSendLag(System.nanoTime() - due);
    }

    private void sendFrame(LoadConnection c, int opcode, byte[] payload) throws IOException {
        out.clear();
        codec.encode(opcode, payload, true, out);
        out.flip();
        c.write(out);
    }

    /** The server or the network ended {@code c}; counted by how. */
    private void ended(LoadConnection c, String how) {
        if (c.state == LoadConnection.State.CLOSED) {
            return;
        }
        if (c.state == LoadConnection.State.OPEN) {
            c.room.open.decrementAndGet();
            counters.ended(how);
        } else {
            counters.refused(how);
            c.opened.completeExceptionally(new IOException(how));
        }
        closeQuietly(c);
    }

    private void closeByClient(LoadConnection c) {
        if (c.state == LoadConnection.State.OPEN) {
            c.room.open.decrementAndGet();
            try {
                sendFrame(c, Frame.CLOSE, new byte[] {0x03, (byte) 0xE8}); // 1000, normal closure
            } catch (IOException e) {
                // closing anyway
            }
        } else if (c.state != LoadConnection.State.CLOSED) {
            c.opened.completeExceptionally(new IOException("closed before it opened"));
        }
        closeQuietly(c);
    }

    private static void closeQuietly(LoadConnection c) {
        c.state = LoadConnection.State.CLOSED;
        c.carry = null;
        c.backlog = null;
        if (c.channel != null) {
            try {
                c.channel.close();
            } catch (IOException ignored) {
                // best effort: the socket is gone either way
            }
        }
    }
}
