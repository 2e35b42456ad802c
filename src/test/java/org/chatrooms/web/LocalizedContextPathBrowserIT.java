package org.chatrooms.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import jakarta.json.JsonObject;

import org.chatrooms.dev.ChatServer;
import org.chatrooms.testing.Browser;
import org.chatrooms.testing.ChatClient;
import org.chatrooms.testing.RoomPage;
import org.chatrooms.testing.RoomPage.Line;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.Keys;

/**
 * A Traditional Chinese reader (browser language zh-TW) using the WAR deployed at {@code /chat-app} instead of
 * ROOT: every URL the pages build must keep the context path, and every text must be in Chinese.
 */
@Timeout(120)
class LocalizedContextPathBrowserIT {

    private static ChatServer server;
    private static Browser reader;

    @BeforeAll
    static void start() throws Exception {
        server = ChatServer.start(ChatServer.builtWar(), "/chat-app", "127.0.0.1", 0, Map.of());
        reader = Browser.start("zh-TW");
    }

    @AfterAll
    static void stop() throws Exception {
        try (ChatServer s = server; Browser r = reader) {
            // closed in reverse order, each even if another fails
        }
    }

    @Test
    void chineseReaderChatsUnderAContextPath() {
        reader.open("http://127.0.0.1:" + server.port() + "/chat-app/");
        assertEquals(server.httpBase() + "chat/", reader.driver().getCurrentUrl(), "/ leads to the index");
        assertEquals("zh-TW", reader.find("html").getDomAttribute("lang"));
        assertEquals("聊天室", reader.find("h1").getText());
        assertEquals("想進入哪個聊天室？", reader.find("label[for='room-name-input']").getText());
        reader.find("#display-name-input").sendKeys("王小明");
        reader.find("#room-name-input").sendKeys("台積電");
        reader.screenshot("LocalizedContextPathBrowserIT-index-zh");
        reader.find("#room-name-input").sendKeys(Keys.ENTER);

        RoomPage page = RoomPage.attach(reader).awaitState("connected");
        assertEquals(server.httpBase() + "chat/%E5%8F%B0%E7%A9%8D%E9%9B%BB/", reader.driver().getCurrentUrl());
        assertEquals("已連線", reader.find("#connection-status").getText());
        assertEquals("傳送", page.sendLabel());
        assertEquals("所有聊天室", reader.find("a.back").getText());

        try (ChatClient friend = ChatClient.join(server.wsBase(), "台積電")) {
            friend.sendRaw("{\"message\":\"午安！今天要買嗎？\",\"user\":\"陳大文\"}");
            assertEquals(new Line("陳大文", "午安！今天要買嗎？", false), page.awaitText("午安！今天要買嗎？"));
            assertEquals("陳大文", friend.nextChat().getString("user"));
            page.say("再等等，下週法說會。");
            JsonObject received = friend.nextChat();
            assertEquals("再等等，下週法說會。", received.getString("message"));
            assertEquals("王小明", received.getString("user"));
            assertEquals(new Line("王小明", "再等等，下週法說會。", true), page.awaitText("再等等，下週法說會。"));
        }
        assertTrue(reader.find("#chat-log li.own .you").getText().equals("你"));
        reader.screenshot("LocalizedContextPathBrowserIT-room-zh");
        reader.cdp("Emulation.setDeviceMetricsOverride",
                Map.of("width", 390, "height", 844, "deviceScaleFactor", 2, "mobile", true));
        try {
            assertTrue((Boolean) reader.script("return document.documentElement.scrollWidth <= window.innerWidth"),
                    "no sideways scrolling on a phone");
            reader.screenshot("LocalizedContextPathBrowserIT-room-zh-phone");
        } finally {
            reader.cdp("Emulation.clearDeviceMetricsOverride", Map.of());
        }
        assertEquals(List.of(), reader.consoleErrors());
    }

    @Test
    void notFoundPageSpeaksChineseToo() {
        reader.open(server.httpBase() + "chat/a-b/");
        assertTrue(reader.driver().getTitle().startsWith("找不到頁面"), reader.driver().getTitle());
        assertEquals(server.httpBase() + "chat/", reader.find("main a").getDomProperty("href"));
        reader.screenshot("LocalizedContextPathBrowserIT-not-found-zh");
        // The browser reports the page's own 404 status; nothing else may go wrong.
        assertEquals(List.of(), reader.consoleErrors().stream()
                .filter(e -> !e.getMessage().contains("status of 404")).toList());
    }

    @Test
    void languageFollowsAcceptLanguage() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI index = server.httpBase().resolve("chat/");
        Map<String, String> expected = Map.of("en-US,en;q=0.9", "lang=\"en\"", "zh-TW,zh;q=0.9", "lang=\"zh-TW\"",
                "fr-FR, zh-HK;q=0.8, en;q=0.5", "lang=\"zh-TW\"", "de-DE", "lang=\"en\"");
        for (var entry : expected.entrySet()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(index)
                    .header("Accept-Language", entry.getKey()).build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(response.body().contains(entry.getValue()), entry.getKey());
            assertEquals("Accept-Language", response.headers().firstValue("Vary").orElse(null));
        }
    }
}
