package org.chatrooms.protocol;

/**
 * Rules for the text of a chat message. Newlines and tabs are text; other control characters (C0, DEL, C1),
 * lone surrogates and noncharacters would corrupt logs and terminals of other users, so they are refused with a
 * reason rather than stripped: nothing a user sent is changed silently.
 */
final class MessageText {

    private MessageText() {
    }

    static String validate(String text, int maxChars) throws ProtocolException {
        if (text.isBlank()) {
            throw new ProtocolException("empty_message", "Message is empty.");
        }
        int length = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new ProtocolException("invalid_text", "Message contains an unpaired surrogate (invalid Unicode).");
            } else if (isForbiddenControl(c)) {
                throw new ProtocolException("control_character", String.format(
                        "Message contains control character U+%04X; only newline and tab are allowed.", (int) c));
            }
            if (++length > maxChars) {
                throw new ProtocolException("message_too_long",
                        "Message is longer than " + maxChars + " characters.");
            }
        }
        return text;
    }

    private static boolean isForbiddenControl(char c) {
        return (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7F && c <= 0x9F);
    }
}
