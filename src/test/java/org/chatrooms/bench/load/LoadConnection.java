package org.chatrooms.bench.load;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;

import org.chatrooms.bench.ws.Frame;

/**
 * One client socket of the load tool: a non-blocking channel, its handshake, its outbound backlog and what it
 * received. Everything here runs on its {@link ClientLoop}'s thread; only {@link #opened} is looked at from
 * outside.
 *
 * <p>Memory per idle socket is kept to a few hundred bytes: reads go to the loop's shared buffer, and only a
 * partial frame left at the end of a read is copied into {@link #carry}.
 */
final class LoadConnection {

    enum State { CONNECTING, HANDSHAKING, OPEN, CLOSED }

    final ClientLoop loop;
    final Room room;
    /** This socket's index among its room's senders, or -1 if it only listens. */
    final int slot;
    final InetSocketAddress target;
    final String path;
    final Receipts receipts;
    final CompletableFuture<Void> opened = new CompletableFuture<>();
    SocketChannel channel;
    SelectionKey key;
    State state = State.CONNECTING;
    /** Bytes the kernel did not take yet; null while nothing waits. */
    ByteBuffer backlog;
    /** The incomplete tail of the last read. */
    ByteBuffer carry;
    /** A fragmented message being assembled (servers may split long frames). */
    ByteArrayOutputStream fragments;

    LoadConnection(ClientLoop loop, Room room, int slot, InetSocketAddress target, String path) {
        this.loop = loop;
        this.room = room;
        this.slot = slot;
        this.target = target;
        this.path = path;
        this.receipts = new Receipts(room.senders());
    }

    boolean isOpen() {
        return state == State.OPEN;
    }

    /** Queues {@code bytes[0, length)} behind anything already waiting, writing at once if nothing does. */
    void write(ByteBuffer bytes) throws IOException {
        if (backlog == null) {
            channel.write(bytes);
            if (!bytes.hasRemaining()) {
                return;
            }
            backlog = ByteBuffer.allocate(Math.max(4096, bytes.remaining() * 2));
            key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        }
        if (backlog.remaining() < bytes.remaining()) {
            ByteBuffer bigger = ByteBuffer.allocate((backlog.position() + bytes.remaining()) * 2);
            backlog.flip();
            bigger.put(backlog);
            backlog = bigger;
        }
        backlog.put(bytes);
    }

    /** The socket is writable again: drain the backlog. */
    void flush() throws IOException {
        backlog.flip();
        channel.write(backlog);
        if (backlog.hasRemaining()) {
            backlog.compact();
        } else {
            backlog = null;
            key.interestOps(SelectionKey.OP_READ);
        }
    }

    /** Keeps {@code in}'s remaining bytes (a partial frame) for the next read. */
    void keepRemainder(ByteBuffer in) {
        if (!in.hasRemaining()) {
            carry = null;
            return;
        }
        carry = ByteBuffer.allocate(in.remaining());
        carry.put(in).flip();
    }

    /** Adds a fragment; returns the whole message once its last fragment arrived, else null. */
    ByteBuffer assemble(Frame frame) {
        if (fragments == null) {
            fragments = new ByteArrayOutputStream();
        }
        fragments.writeBytes(frame.payloadCopy());
        if (!frame.fin()) {
            return null;
        }
        ByteBuffer whole = ByteBuffer.wrap(fragments.toByteArray());
        fragments = null;
        return whole;
    }
}
