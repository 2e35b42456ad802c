package org.chatrooms.bench.ws;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * The RFC 6455 framing both ends of the benchmark need, and nothing more: whole frames only (no extensions, no
 * per-message compression, which the handshake never offers). Clients mask (section 5.3), servers do not; the
 * decoder accepts both, so the load tool and the in-process floor server share it.
 *
 * <p>Not thread-safe (the mask generator); each selector thread owns one.
 */
public final class FrameCodec {

    /** Longest frame this tool accepts; chat frames are a few hundred bytes. */
    public static final int MAX_PAYLOAD = 1 << 20;

    /**
     * Masking exists so that a browser's bytes cannot be crafted to confuse proxies; a fast non-cryptographic
     * generator is enough for a loopback benchmark, where SecureRandom would cost more than the rest of a send.
     */
    private final SplittableRandom random = new SplittableRandom();

    /** The length of the frame that would carry {@code payloadLength} bytes. */
    public static int frameLength(int payloadLength, boolean masked) {
        int header = payloadLength < 126 ? 2 : payloadLength < 65536 ? 4 : 10;
        return header + (masked ? 4 : 0) + payloadLength;
    }

    /** Writes one final frame with {@code payload} into {@code out}, masked if {@code masked}. */
    public void encode(int opcode, byte[] payload, boolean masked, ByteBuffer out) {
        int length = payload.length;
        out.put((byte) (0x80 | opcode));
        int maskBit = masked ? 0x80 : 0;
        if (length < 126) {
            out.put((byte) (maskBit | length));
        } else if (length < 65536) {
            out.put((byte) (maskBit | 126));
            out.putShort((short) length);
        } else {
            out.put((byte) (maskBit | 127));
            out.putLong(length);
        }
        if (!masked) {
            out.put(payload);
            return;
        }
        int key = random.nextInt();
        out.putInt(key);
        for (int i = 0; i < length; i++) {
            out.put((byte) (payload[i] ^ (key >>> (24 - 8 * (i & 3)))));
        }
    }

    /**
     * Decodes the frame at {@code in}'s position if it is complete, unmasking its payload in place, and moves the
     * position past it. Returns false, position unchanged, if the frame is not complete yet.
     *
     * @throws IllegalStateException for a frame longer than {@link #MAX_PAYLOAD} or reserved bits set
     */
    public static boolean decode(ByteBuffer in, Frame frame) {
        int start = in.position();
        int available = in.remaining();
        if (available < 2) {
            return false;
        }
        int first = in.get(start) & 0xFF;
        int second = in.get(start + 1) & 0xFF;
        if ((first & 0x70) != 0) {
            throw new IllegalStateException("reserved bits set: no extension was negotiated");
        }
        int header = 2;
        long length = second & 0x7F;
        if (length == 126) {
            if (available < 4) {
                return false;
            }
            length = in.getShort(start + 2) & 0xFFFF;
            header = 4;
        } else if (length == 127) {
            if (available < 10) {
                return false;
            }
            length = in.getLong(start + 2);
            header = 10;
        }
        if (length < 0 || length > MAX_PAYLOAD) {
            throw new IllegalStateException("frame of " + length + " bytes");
        }
        boolean masked = (second & 0x80) != 0;
        int keyAt = start + header;
        if (masked) {
            header += 4;
        }
        if (available < header + length) {
            return false;
        }
        int payloadStart = start + header;
        int payloadEnd = payloadStart + (int) length;
        if (masked) {
            int key = in.getInt(keyAt);
            for (int i = payloadStart; i < payloadEnd; i++) {
                in.put(i, (byte) (in.get(i) ^ (key >>> (24 - 8 * ((i - payloadStart) & 3)))));
            }
        }
        frame.fin = (first & 0x80) != 0;
        frame.opcode = first & 0x0F;
        frame.buffer = in;
        frame.payloadStart = payloadStart;
        frame.payloadEnd = payloadEnd;
        in.position(payloadEnd);
        return true;
    }
}
