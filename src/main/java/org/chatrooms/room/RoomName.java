package org.chatrooms.room;

import java.util.Optional;

/**
 * A valid room name: 1 to 100 characters, each a Unicode letter, digit or underscore. This is Python 3's
 * {@code \w}, the rule of the original Django Channels tutorial's URL patterns, which existing clients rely on:
 * {@code 2330}, {@code lobby_1} and {@code 台積電} are rooms; {@code a-b}, {@code a.b} and {@code ..} are not.
 */
public record RoomName(String value) {

    public static final int MAX_LENGTH = 100;

    public RoomName {
        if (!isValid(value)) {
            throw new IllegalArgumentException("not a room name: " + value);
        }
    }

    public static Optional<RoomName> parse(String candidate) {
        return isValid(candidate) ? Optional.of(new RoomName(candidate)) : Optional.empty();
    }

    public static boolean isValid(String candidate) {
        if (candidate == null || candidate.isEmpty()) {
            return false;
        }
        int length = candidate.codePointCount(0, candidate.length());
        return length <= MAX_LENGTH && candidate.codePoints().allMatch(RoomName::isWordCharacter);
    }

    /**
     * Python's {@code str.isalnum() or c == '_'}: letters (L*), decimal digits (Nd) and other numerics with a
     * numeric value (Nl, No, as Python counts them via {@code isnumeric}), plus the underscore. Combining marks
     * are not word characters in Python's {@code re}, so {@code é} written as {@code e} + U+0301 is refused.
     */
    private static boolean isWordCharacter(int codePoint) {
        if (codePoint == '_') {
            return true;
        }
        return switch (Character.getType(codePoint)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                    Character.MODIFIER_LETTER, Character.OTHER_LETTER,
                    Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> true;
            default -> false;
        };
    }

    @Override
    public String toString() {
        return value;
    }
}
