package org.chatrooms.relay;

/** A message could not be handed to the relay, so it reached no one; the sender is told. */
public class RelayUnavailableException extends RuntimeException {

    public RelayUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public RelayUnavailableException(String message) {
        super(message);
    }
}
