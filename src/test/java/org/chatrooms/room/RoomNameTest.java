package org.chatrooms.room;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RoomNameTest {

    @ParameterizedTest
    @ValueSource(strings = {"2330", "lobby_1", "台積電", "_", "Ωmega", "٣٤", "𝔘nicode"})
    void acceptsWordCharacters(String name) {
        assertTrue(RoomName.isValid(name), name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a-b", "a.b", "a b", "..", ".", "a/b", "<script>", "a\u0000", "e\u0301", "a%20b",
            "tab\t", "emoji😀"})
    void refusesEverythingElse(String name) {
        assertFalse(RoomName.isValid(name), name);
        assertThrows(IllegalArgumentException.class, () -> new RoomName(name));
    }

    @org.junit.jupiter.api.Test
    void limitsLengthInCharactersNotUtf16Units() {
        assertTrue(RoomName.isValid("𝔘".repeat(100)));
        assertFalse(RoomName.isValid("𝔘".repeat(101)));
        assertFalse(RoomName.isValid("x".repeat(101)));
        assertFalse(RoomName.isValid(null));
    }
}
