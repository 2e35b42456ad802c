package org.chatrooms.protocol;

/**
 * A client frame that breaks the wire protocol. {@link #code()} is the stable machine-readable reason sent in
 * the error frame; the message is the human-readable text shown by old clients.
 */
public final class ProtocolException extends Exception {

    private final String code;

    public ProtocolException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
