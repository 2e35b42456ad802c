package org.chatrooms.bench.ws;

import java.nio.ByteBuffer;

/**
 * One decoded WebSocket frame, reused by its reader for every frame (no allocation per frame): the payload is a
 * window {@code [payloadStart, payloadEnd)} of the buffer the frame was decoded from, already unmasked, valid
 * until that buffer is next read into.
 */
public final class Frame {

    public static final int CONTINUATION = 0x0;
    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;
    public static final int PONG = 0xA;

    boolean fin;
    int opcode;
    ByteBuffer buffer;
    int payloadStart;
    int payloadEnd;

    public boolean fin() {
        return fin;
    }

    public int opcode() {
        return opcode;
    }

    public ByteBuffer buffer() {
        return buffer;
    }

    public int payloadStart() {
        return payloadStart;
    }

    public int payloadEnd() {
        return payloadEnd;
    }

    public int payloadLength() {
        return payloadEnd - payloadStart;
    }

    public byte[] payloadCopy() {
        byte[] copy = new byte[payloadLength()];
        buffer.get(payloadStart, copy);
        return copy;
    }

    /** The status code of a close frame, 1005 ("no status") if it carried none. */
    public int closeCode() {
        return payloadLength() >= 2
                ? ((buffer.get(payloadStart) & 0xFF) << 8) | (buffer.get(payloadStart + 1) & 0xFF)
                : 1005;
    }
}
