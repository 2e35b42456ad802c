package org.chatrooms.protocol;

/**
 * A client frame that breaks the wire protocol. {@link #code()} is the stable machine-readable reason sent in
 * the error frame; the message is the human-readable text shown by old clients; {@link #clientId()} is the
 * frame's {@code "cid"}, when it had a readable one, so the error names the message it is about.
 */
public final class ProtocolException extends Exception {

    private final String code;
    private final String clientId;

    public ProtocolException(String code, String message) {
        this(code, message, null);
    }

    private ProtocolException(String code, String message, String clientId) {
        super(message, null, false, false);
        this.code = code;
        this.clientId = clientId;
    }

    public String code() {
        return code;
    }

    /** The sender's id of the refused message, or null. */
    public String clientId() {
        return clientId;
    }

    /** The same refusal, about the message with this client id. */
    public ProtocolException about(String messageClientId) {
        return messageClientId == null ? this : new ProtocolException(code, getMessage(), messageClientId);
    }
}
