package org.chatrooms.protocol;

import java.security.Principal;
import java.util.Optional;

/**
 * The name shown with a chat message.
 *
 * <p>A name a client asks for (the optional {@code "user"} member of its frame) must be 1 to {@value #MAX_LENGTH}
 * characters: letters and combining marks of any script, digits, single spaces between words and
 * {@code _ - . ' ·}. That keeps names readable in every other user's log: no control or format characters (which
 * could reorder the text around them, e.g. U+202E), no symbols or look-alike punctuation, no blank names. A name
 * that breaks a rule is refused with a reason, never changed silently. No name at all means {@link #ANONYMOUS}.
 *
 * <p>When the container authenticated the user, the handshake's {@link Principal} is the name and the client's
 * request is ignored, so an authenticated name cannot be faked from the page. The container vouches for that name,
 * so the character rules do not apply (e-mail addresses are fine); only characters that would corrupt other users'
 * logs are replaced.
 */
public record DisplayName(String value) {

    public static final int MAX_LENGTH = 32;
    public static final DisplayName ANONYMOUS = new DisplayName("anonymous");
    /** Besides letters, marks and digits; {@code ·} (U+00B7) joins transliterated names such as 喬治·華盛頓. */
    private static final String PUNCTUATION = "_-.'\u00B7";

    /**
     * The name a message from this socket is shown with: the authenticated principal's when there is one,
     * otherwise the requested name, otherwise {@link #ANONYMOUS}. An empty request counts as none.
     *
     * @throws ProtocolException {@code invalid_name} when there is no principal and the requested name breaks a rule
     */
    public static DisplayName forSender(Principal principal, String requested) throws ProtocolException {
        Optional<DisplayName> authenticated = ofPrincipal(principal);
        if (authenticated.isPresent()) {
            return authenticated.get();
        }
        if (requested == null || requested.isEmpty()) {
            return ANONYMOUS;
        }
        return parse(requested);
    }

    /** A name a client chose, checked against the rules above. */
    public static DisplayName parse(String requested) throws ProtocolException {
        int[] chars = requested.codePoints().toArray();
        if (chars.length > MAX_LENGTH) {
            throw invalid("Display name is longer than " + MAX_LENGTH + " characters.");
        }
        if (requested.isBlank()) {
            throw invalid("Display name is empty.");
        }
        if (chars[0] == ' ' || chars[chars.length - 1] == ' ') {
            throw invalid("Display name must not start or end with a space.");
        }
        for (int i = 0; i < chars.length; i++) {
            int c = chars[i];
            if (Character.isISOControl(c)) {
                throw invalid(String.format("Display name contains control character U+%04X.", c));
            }
            if (c == ' ' && chars[i - 1] == ' ') {
                throw invalid("Display name must not contain two spaces in a row.");
            }
            if (isMark(c) && (i == 0 || chars[i - 1] == ' ')) {
                // A mark with nothing to combine with draws over its neighbour.
                throw invalid("Display name must not have a combining mark at the start of a word.");
            }
            if (c != ' ' && !isNameCharacter(c)) {
                throw invalid(String.format(
                        "Display name may contain letters, digits, spaces and _ - . ' \u00B7 only, not U+%04X.", c));
            }
        }
        return new DisplayName(requested);
    }

    /**
     * The container's name for an authenticated user, with characters that would corrupt logs replaced; empty
     * when there is no principal (or it has no name).
     */
    public static Optional<DisplayName> ofPrincipal(Principal principal) {
        if (principal == null || principal.getName() == null || principal.getName().isBlank()) {
            return Optional.empty();
        }
        String principalName = principal.getName();
        StringBuilder safe = new StringBuilder(principalName.length());
        principalName.codePoints().forEach(c -> safe.appendCodePoint(
                Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
                        || Character.getType(c) == Character.SURROGATE ? '\uFFFD' : c));
        return Optional.of(new DisplayName(safe.toString()));
    }

    private static boolean isNameCharacter(int c) {
        return switch (Character.getType(c)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                    Character.MODIFIER_LETTER, Character.OTHER_LETTER,
                    Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> true;
            default -> isMark(c) || PUNCTUATION.indexOf(c) >= 0;
        };
    }

    private static boolean isMark(int c) {
        int type = Character.getType(c);
        return type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK
                || type == Character.COMBINING_SPACING_MARK;
    }

    private static ProtocolException invalid(String reason) {
        return new ProtocolException("invalid_name", reason);
    }

    @Override
    public String toString() {
        return value;
    }
}
