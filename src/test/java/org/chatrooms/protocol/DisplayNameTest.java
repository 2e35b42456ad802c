package org.chatrooms.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.Principal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DisplayNameTest {

    private static final Principal ALICE = () -> "alice@example.com";

    @ParameterizedTest
    @ValueSource(strings = {"Alice", "a", "王小明", "喬治·華盛頓", "Mary Ann", "O'Brien", "jean-luc.p", "user_42",
            "Zoë", "Zoe\u0308", "नमस्ते", "Ελένη", "abcdefghijabcdefghijabcdefghij12"})
    void acceptsReadableNames(String name) throws ProtocolException {
        assertEquals(name, DisplayName.parse(name).value());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", " Alice", "Alice ", "Mary  Ann", "a\tb", "a\nb", "bell\u0007", "del\u007F",
            "c1\u0085", "rtl\u202Eevil", "zero\u200Bwidth", "<script>", "a&b", "smile😀", "\u0301accent",
            "a \u0301b", "abcdefghijabcdefghijabcdefghij123"})
    void refusesOtherNamesWithAReason(String name) {
        ProtocolException refused = assertThrows(ProtocolException.class, () -> DisplayName.parse(name));
        assertEquals("invalid_name", refused.code());
        assertTrue(refused.getMessage().startsWith("Display name "), refused.getMessage());
    }

    @Test
    void countsCharactersNotUtf16Units() throws ProtocolException {
        String thirtyTwoWide = "𠀀".repeat(DisplayName.MAX_LENGTH);
        assertEquals(thirtyTwoWide, DisplayName.parse(thirtyTwoWide).value());
        assertThrows(ProtocolException.class, () -> DisplayName.parse(thirtyTwoWide + "𠀀"));
    }

    @Test
    void namesTheControlCharacter() {
        ProtocolException refused = assertThrows(ProtocolException.class, () -> DisplayName.parse("a\u0000b"));
        assertTrue(refused.getMessage().contains("U+0000"), refused.getMessage());
    }

    @Test
    void noRequestedNameIsAnonymous() throws ProtocolException {
        assertEquals(DisplayName.ANONYMOUS, DisplayName.forSender(null, null));
        assertEquals(DisplayName.ANONYMOUS, DisplayName.forSender(null, ""));
        assertEquals("anonymous", DisplayName.ANONYMOUS.value());
    }

    @Test
    void requestedNameIsCheckedWhenNotAuthenticated() throws ProtocolException {
        assertEquals("Bob", DisplayName.forSender(null, "Bob").value());
        assertThrows(ProtocolException.class, () -> DisplayName.forSender(null, "Bob\u202E"));
    }

    @Test
    void authenticatedNameWinsAndCannotBeFaked() throws ProtocolException {
        assertEquals("alice@example.com", DisplayName.forSender(ALICE, "Mallory").value());
        assertEquals("alice@example.com", DisplayName.forSender(ALICE, null).value());
        // A bad requested name does not matter once the container vouches for the user.
        assertEquals("alice@example.com", DisplayName.forSender(ALICE, "bad\u0000name").value());
    }

    @Test
    void authenticatedNameLosesOnlyCharactersThatCorruptLogs() throws ProtocolException {
        assertEquals("eve\uFFFD\uFFFDx", DisplayName.forSender(() -> "eve\n\u202Ex", null).value());
        assertEquals(DisplayName.ANONYMOUS, DisplayName.forSender(() -> " ", null));
    }
}
