package org.chatrooms.bench.ws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FrameCodecTest {

    private final FrameCodec codec = new FrameCodec();

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 125, 126, 65535, 65536, 100_000})
    void masked_and_unmasked_frames_of_every_length_form_decode_to_their_payload(int length) {
        byte[] payload = new byte[length];
        Arrays.fill(payload, (byte) 'a');
        for (boolean masked : new boolean[] {true, false}) {
            ByteBuffer buffer = ByteBuffer.allocate(FrameCodec.frameLength(length, masked));
            codec.encode(Frame.TEXT, payload, masked, buffer);
            assertFalse(buffer.hasRemaining(), "frameLength is exact");
            buffer.flip();
            Frame frame = new Frame();
            assertTrue(FrameCodec.decode(buffer, frame));
            assertEquals(Frame.TEXT, frame.opcode());
            assertTrue(frame.fin());
            assertArrayEquals(payload, frame.payloadCopy());
            assertFalse(buffer.hasRemaining());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5, 200})
    void an_incomplete_frame_is_left_in_place(int missing) {
        ByteBuffer whole = ByteBuffer.allocate(FrameCodec.frameLength(300, true));
        codec.encode(Frame.TEXT, new byte[300], true, whole);
        ByteBuffer partial = ByteBuffer.wrap(whole.array(), 0, whole.capacity() - missing);
        assertFalse(FrameCodec.decode(partial, new Frame()));
        assertEquals(0, partial.position());
    }

    @ParameterizedTest
    @ValueSource(ints = {1000, 1013})
    void a_close_frame_carries_its_code(int code) {
        ByteBuffer buffer = ByteBuffer.allocate(16);
        codec.encode(Frame.CLOSE, new byte[] {(byte) (code >> 8), (byte) code}, false, buffer);
        buffer.flip();
        Frame frame = new Frame();
        assertTrue(FrameCodec.decode(buffer, frame));
        assertEquals(code, frame.closeCode());
    }
}
