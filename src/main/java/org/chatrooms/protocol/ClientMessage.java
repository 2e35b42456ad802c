package org.chatrooms.protocol;

/**
 * One client frame, parsed: the validated message text, the display name the client asked for, if any
 * ({@code null} when the frame has no {@code "user"} member or it is JSON {@code null}), the client's id for
 * this message ({@code "cid"}, or {@code null}), and whether the client says it sent this message before without
 * seeing it come back ({@code "resend": true}, only with a cid). The name is checked later, by
 * {@link DisplayName#forSender}, because an authenticated user's name overrides it.
 */
public record ClientMessage(String text, String requestedUser, String clientId, boolean resend) {

    public ClientMessage(String text, String requestedUser, String clientId) {
        this(text, requestedUser, clientId, false);
    }
}
