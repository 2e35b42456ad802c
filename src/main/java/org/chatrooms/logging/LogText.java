package org.chatrooms.logging;

/**
 * Values from a request (headers, addresses) made fit for a log line: bounded in length and unable to forge lines
 * or reorder the text around them. An attacker chooses these values, so a 4 KB {@code Origin} must cost the log
 * about a hundred characters, and a CR, LF or bidi override must show as an escape rather than act.
 */
public final class LogText {

    /** Characters of a value kept in a log line; longer values are cut and say by how much. */
    public static final int MAX_CHARS = 100;

    private LogText() {
    }

    /**
     * The value in double quotes, at most {@link #MAX_CHARS} characters of it, with quotes, backslashes, control
     * and format characters (C0, DEL, C1, bidi controls, zero-width characters) and lone surrogates written as
     * {@code \\uXXXX}; {@code (none)} for null.
     */
    public static String quote(String value) {
        return quote(value, MAX_CHARS);
    }

    public static String quote(String value, int maxChars) {
        if (value == null) {
            return "(none)";
        }
        int end = Math.min(value.length(), maxChars);
        if (end < value.length() && Character.isHighSurrogate(value.charAt(end - 1))) {
            end--; // never cut a pair in half
        }
        StringBuilder out = new StringBuilder(end + 16).append('"');
        for (int i = 0; i < end; i++) {
            char c = value.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(value.charAt(i + 1));
            if (pair) {
                out.append(c).append(value.charAt(++i));
            } else if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (isUnsafe(c)) {
                out.append(String.format("\\u%04X", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
        if (end < value.length()) {
            out.append("...(").append(value.length() - end).append(" more chars)");
        }
        return out.toString();
    }

    private static boolean isUnsafe(char c) {
        int type = Character.getType(c);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.SURROGATE
                || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
    }
}
