package org.chatrooms.bench.load;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads the members the load tool needs from a server frame ({@code type}, {@code history}, {@code message})
 * straight from the received bytes, for any member order and whitespace; nested values (which later protocol
 * versions may add) are skipped. Why not JSON-P here: at 300,000 deliveries per second a tree or a parser per
 * frame would make the tool, not the server, the limit; this scanner allocates nothing. The sending side and the
 * reports use JSON-P.
 *
 * <p>A mutable holder, reused for every frame by its one selector thread.
 */
public final class ServerFrameScanner {

    /** What a frame is, as far as the benchmark cares. */
    public enum Kind {
        /** {@code chat.message} without {@code "history": true}: a delivery to measure */
        LIVE,
        /** a {@code chat.message} replayed from history when the socket joined: ignored */
        HISTORY,
        /** {@code {"type":"error",...}}: counted */
        ERROR,
        /** anything else ({@code gap}, {@code presence}, {@code join}, {@code leave}, ...): ignored */
        OTHER,
        /** not a JSON object */
        MALFORMED
    }

    private static final byte[] TYPE = bytes("type");
    private static final byte[] HISTORY = bytes("history");
    private static final byte[] MESSAGE = bytes("message");
    private static final byte[] CHAT_MESSAGE = bytes("chat.message");
    private static final byte[] ERROR = bytes("error");

    private ByteBuffer in;
    private int at;
    private int end;
    private int messageStart;
    private int messageEnd;

    /** The {@code message} string's raw bytes (escapes not decoded): valid after a scan that found one. */
    public int messageStart() {
        return messageStart;
    }

    public int messageEnd() {
        return messageEnd;
    }

    public Kind scan(ByteBuffer buffer, int start, int stop) {
        in = buffer;
        at = start;
        end = stop;
        messageStart = -1;
        messageEnd = -1;
        int typeStart = -1;
        int typeEnd = -1;
        boolean history = false;
        try {
            skipSpace();
            expect('{');
            skipSpace();
            if (peek() == '}') {
                return Kind.OTHER;
            }
            while (true) {
                skipSpace();
                int keyStart = at + 1;
                skipString();
                int keyEnd = at - 1;
                skipSpace();
                expect(':');
                skipSpace();
                int valueStart = at;
                skipValue();
                if (equals(keyStart, keyEnd, TYPE) && in.get(valueStart) == '"') {
                    typeStart = valueStart + 1;
                    typeEnd = at - 1;
                } else if (equals(keyStart, keyEnd, MESSAGE) && in.get(valueStart) == '"') {
                    messageStart = valueStart + 1;
                    messageEnd = at - 1;
                } else if (equals(keyStart, keyEnd, HISTORY)) {
                    history = in.get(valueStart) == 't';
                }
                skipSpace();
                byte next = in.get(at++);
                if (next == '}') {
                    break;
                }
                if (next != ',') {
                    return Kind.MALFORMED;
                }
            }
        } catch (IndexOutOfBoundsException | IllegalStateException e) {
            return Kind.MALFORMED;
        }
        if (typeStart >= 0 && equals(typeStart, typeEnd, CHAT_MESSAGE)) {
            return history ? Kind.HISTORY : messageStart >= 0 ? Kind.LIVE : Kind.MALFORMED;
        }
        if (typeStart >= 0 && equals(typeStart, typeEnd, ERROR)) {
            return Kind.ERROR;
        }
        return Kind.OTHER;
    }

    private byte peek() {
        if (at >= end) {
            throw new IllegalStateException("truncated");
        }
        return in.get(at);
    }

    private void expect(char c) {
        if (peek() != c) {
            throw new IllegalStateException("expected " + c);
        }
        at++;
    }

    private void skipSpace() {
        while (at < end) {
            byte b = in.get(at);
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return;
            }
            at++;
        }
    }

    /** At an opening quote: moves past the closing one. */
    private void skipString() {
        expect('"');
        while (true) {
            byte b = peek();
            at++;
            if (b == '\\') {
                at++;
            } else if (b == '"') {
                return;
            }
        }
    }

    private void skipValue() {
        byte first = peek();
        if (first == '"') {
            skipString();
        } else if (first == '{' || first == '[') {
            int depth = 0;
            do {
                byte b = peek();
                if (b == '"') {
                    skipString();
                    continue;
                }
                if (b == '{' || b == '[') {
                    depth++;
                } else if (b == '}' || b == ']') {
                    depth--;
                }
                at++;
            } while (depth > 0);
        } else {
            // number, true, false, null
            while (at < end) {
                byte b = in.get(at);
                if (b == ',' || b == '}' || b == ']' || b == ' ' || b == '\t' || b == '\n' || b == '\r') {
                    break;
                }
                at++;
            }
        }
    }

    private boolean equals(int start, int stop, byte[] expected) {
        if (stop - start != expected.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if (in.get(start + i) != expected[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
