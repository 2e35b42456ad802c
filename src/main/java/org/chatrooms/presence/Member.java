package org.chatrooms.presence;

import java.util.Objects;

/**
 * Who one connection is in its room's presence: its display name and whether the container authenticated it.
 * A verified and a guest connection of the same name are two entries, so a guest can never appear verified.
 */
public record Member(String user, boolean verified) {

    public static final String ANONYMOUS_NAME = "anonymous";
    public static final Member ANONYMOUS = new Member(ANONYMOUS_NAME, false);

    public Member {
        Objects.requireNonNull(user);
    }

    /** Anonymous connections are counted, but their comings and goings are not announced. */
    public boolean isAnonymous() {
        return !verified && ANONYMOUS_NAME.equals(user);
    }
}
