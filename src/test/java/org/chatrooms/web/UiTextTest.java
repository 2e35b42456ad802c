package org.chatrooms.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class UiTextTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            "NULL | en", "'' | en", "en-US,en;q=0.9 | en", "zh-TW | zh-TW", "zh-Hant-TW,zh;q=0.8 | zh-TW",
            "zh-CN | zh-TW", "zh | zh-TW", "fr-FR,zh-HK;q=0.8,en;q=0.5 | zh-TW", "fr-FR,en;q=0.8,zh;q=0.5 | en",
            "de | en", "zh-TW;q=0,en | en", "*;q=0.1,zh-TW;q=0.9 | zh-TW", "not a ;;; header | en"})
    void choosesFromAcceptLanguage(String header, String expected) {
        assertEquals(expected, UiText.forAcceptLanguage(header).languageTag());
    }

    @Test
    void bothLanguagesHaveEveryText() {
        UiText en = UiText.forAcceptLanguage("en");
        UiText zh = UiText.forAcceptLanguage("zh-TW");
        assertEquals(en.keySet(), zh.keySet());
        assertTrue(en.keySet().size() > 20);
        assertEquals("聊天室", zh.get("app.name"));
        assertEquals(Locale.TAIWAN, zh.locale());
    }

    @Test
    void missingTextIsVisibleNotBlank() {
        assertEquals("??no.such.key??", UiText.forAcceptLanguage("en").get("no.such.key"));
    }

    @Test
    void scriptsGetTheJsTextsWithoutPrefix() {
        assertEquals("重新連線中…", UiText.forAcceptLanguage("zh-TW").forScript().get("status.reconnecting"));
        assertTrue(UiText.forAcceptLanguage("en").forScript().keySet().stream().noneMatch(k -> k.startsWith("js.")));
    }
}
