package org.chatrooms.web;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import org.chatrooms.dev.ChatServer;
import org.chatrooms.testing.Browser;
import org.chatrooms.testing.ChatClient;
import org.chatrooms.testing.RoomPage;
import org.chatrooms.testing.RoomPage.Line;
import org.chatrooms.testing.TestLoginValve;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;

/**
 * The room and index pages in real headless Chromium, as two people (Alice and Bob, one browser each) use them,
 * against the built WAR deployed as ROOT. One server and two browsers for the whole class; every test uses its
 * own room. After each test the browsers must have logged no console error and show no alert.
 */
@Timeout(120)
class ChatPageBrowserIT {

    private static ChatServer server;
    private static Browser alice;
    private static Browser bob;
    private String testName;

    @BeforeAll
    static void start() throws Exception {
        server = ChatServer.start(Map.of());
        TestLoginValve.install(server);
        alice = Browser.start();
        bob = Browser.start();
        for (Browser browser : List.of(alice, bob)) {
            browser.open(server.httpBase() + "chat/");
        }
        RoomPage.rememberName(alice, "Alice");
        RoomPage.rememberName(bob, "Bob");
    }

    @AfterAll
    static void stop() throws Exception {
        try (ChatServer s = server; Browser a = alice; Browser b = bob) {
            // closed in reverse order, each even if another fails
        }
    }

    @BeforeEach
    void name(TestInfo info) {
        testName = info.getTestMethod().orElseThrow().getName();
    }

    @AfterEach
    void noErrorsNoAlerts() {
        for (Browser browser : List.of(alice, bob)) {
            assertThrows(NoAlertPresentException.class, () -> browser.driver().switchTo().alert(), "an alert opened");
            assertEquals(List.of(), browser.consoleErrors(), "console errors");
        }
    }

    private void screenshot(Browser browser, String who) {
        browser.screenshot(getClass().getSimpleName() + "-" + testName + "-" + who);
    }

    @Test
    void indexFormLeadsToTheRoomAndRemembersTheName() {
        alice.open(server.httpBase() + "chat/");
        WebElement name = alice.find("#display-name-input");
        name.clear();
        name.sendKeys("Alice Liddell");
        alice.find("#room-name-input").sendKeys("lobby_1");
        screenshot(alice, "index");
        alice.find("#room-name-submit").click();

        RoomPage room = RoomPage.attach(alice).awaitState("connected");
        assertEquals(server.httpBase() + "chat/lobby_1/", alice.driver().getCurrentUrl());
        assertEquals("Alice Liddell", alice.find("#display-name-input").getDomProperty("value"));
        room.say("hello from the index");
        assertEquals(new Line("Alice Liddell", "hello from the index", true), room.awaitText("hello from the index"));
        screenshot(alice, "room");
        RoomPage.rememberName(alice, "Alice");
    }

    @Test
    void indexRefusesABadRoomNameWithAReason() {
        alice.open(server.httpBase() + "chat/");
        alice.find("#room-name-input").sendKeys("a b", Keys.ENTER);
        WebElement error = alice.find("#room-name-error");
        alice.until(d -> error.isDisplayed(), "room name error");
        assertEquals(server.httpBase() + "chat/", alice.driver().getCurrentUrl());
        assertEquals("true", alice.find("#room-name-input").getDomAttribute("aria-invalid"));
        screenshot(alice, "index");
    }

    @Test
    void twoWindowsInOneRoomExchangeMessages() {
        RoomPage a = RoomPage.open(alice, server.httpBase(), "2330");
        RoomPage b = RoomPage.open(bob, server.httpBase(), "2330");

        a.say("Hi Bob!");
        b.awaitText("Hi Bob!");
        b.say("Hi Alice, how are you?");
        a.awaitText("Hi Alice, how are you?");
        a.say("Fine, thanks.");
        b.awaitText("Fine, thanks.");

        List<Line> expectedForAlice = List.of(new Line("Alice", "Hi Bob!", true),
                new Line("Bob", "Hi Alice, how are you?", false), new Line("Alice", "Fine, thanks.", true));
        assertEquals(expectedForAlice, a.awaitLines(3));
        assertEquals(List.of(new Line("Alice", "Hi Bob!", false), new Line("Bob", "Hi Alice, how are you?", true),
                new Line("Alice", "Fine, thanks.", false)), b.awaitLines(3));
        // Each line says when, as a machine-readable time and a local time for people.
        List<WebElement> times = alice.driver().findElements(By.cssSelector("#chat-log li.message time"));
        assertEquals(3, times.size());
        for (WebElement time : times) {
            assertTrue(time.getDomAttribute("datetime").matches("\\d{4}-\\d\\d-\\d\\dT.*Z"), time.getDomAttribute("datetime"));
            assertTrue(time.getText().matches(".*\\d{1,2}:\\d\\d.*"), time.getText());
        }
        assertEquals("", a.input().getDomProperty("value"), "the sent text left the composer");
        screenshot(alice, "alice");
        screenshot(bob, "bob");
    }

    @Test
    void unicodeRoomWorksEndToEnd() {
        bob.open(server.httpBase() + "chat/");
        bob.find("#room-name-input").sendKeys("台積電", Keys.ENTER);
        RoomPage b = RoomPage.attach(bob).awaitState("connected");
        assertEquals(server.httpBase() + "chat/%E5%8F%B0%E7%A9%8D%E9%9B%BB/", bob.driver().getCurrentUrl());
        assertEquals("台積電", bob.find("h1").getText());
        assertTrue(bob.driver().getTitle().startsWith("台積電"), bob.driver().getTitle());

        RoomPage a = RoomPage.open(alice, server.httpBase(), "台積電");
        a.say("今天股價如何？🚀");
        b.awaitText("今天股價如何？🚀");
        b.say("漲了 2%，不錯。");
        a.awaitText("漲了 2%，不錯。");
        screenshot(alice, "alice");
        screenshot(bob, "bob");
    }

    @Test
    void markupInAMessageIsShownAsText() {
        RoomPage a = RoomPage.open(alice, server.httpBase(), "xss");
        RoomPage b = RoomPage.open(bob, server.httpBase(), "xss");
        List<String> payloads = List.of("<img src=x onerror=alert(1)>", "<script>alert(2)</script>",
                "\"><svg onload=alert(3)>", "</li><li class=\"own\">forged</li>", "&lt;b&gt;entity&lt;/b&gt;");
        for (String payload : payloads) {
            a.say(payload);
        }
        assertEquals(payloads, b.awaitLines(payloads.size()).stream().map(Line::text).toList());
        assertEquals(payloads, a.awaitLines(payloads.size()).stream().map(Line::text).toList());
        for (Browser browser : List.of(alice, bob)) {
            assertEquals(List.of(), browser.driver().findElements(By.cssSelector("#chat-log img, #chat-log script, "
                    + "#chat-log svg, #chat-log b")), "elements injected into the log");
            // Every line of the log is a message, but the quiet "Bob joined" line of the presence.
            assertEquals(payloads.size(), browser.driver().findElements(By.cssSelector(
                    "#chat-log > li:not(.presence-change)")).size());
        }
        screenshot(bob, "bob");
    }

    /**
     * Names and messages in other scripts read in their own direction, and none of them, not even one with a
     * right-to-left override (U+202E) that it never closes, can reorder what is around it: each is bidi-isolated.
     */
    @Test
    @SuppressWarnings("unchecked")
    void messagesAndNamesKeepTheirOwnDirectionAndCannotReorderThePage() {
        RoomPage a = RoomPage.open(alice, server.httpBase(), "bidi");
        String hebrew = "שלום לכולם";
        String override = "\u202Eevil override, never closed";
        try (ChatClient sarah = ChatClient.join(server.wsBase(), "bidi")) {
            sarah.sendRaw("{\"message\":\"" + hebrew + "\",\"user\":\"שרה\"}");
            sarah.sendRaw("{\"message\":\"" + override + "\",\"user\":\"Mallory\"}");
            a.awaitText(override);
        }
        a.say("after the override");
        a.awaitText("after the override");
        screenshot(alice, "bidi");

        List<Map<String, Object>> items = (List<Map<String, Object>>) alice.script(
                "return Array.from(document.querySelectorAll('#chat-log li.message')).map(li => {"
                        + "const user = li.querySelector('.user'), text = li.querySelector('.text'),"
                        + " time = li.querySelector('time');"
                        + "return {text: text.textContent, user: user.textContent,"
                        + " textBidi: getComputedStyle(text).unicodeBidi, userBidi: getComputedStyle(user).unicodeBidi,"
                        + " textDir: getComputedStyle(text).direction, userDir: getComputedStyle(user).direction,"
                        + " top: li.getBoundingClientRect().top,"
                        + " userBeforeTime: user.getBoundingClientRect().right <= time.getBoundingClientRect().left};})");
        assertEquals(List.of(hebrew, override, "after the override"), items.stream().map(i -> i.get("text")).toList(),
                "the texts as sent, in the order sent");
        for (Map<String, Object> item : items) {
            assertTrue(List.of("isolate", "plaintext").contains(item.get("textBidi")), item.toString());
            assertEquals("isolate", item.get("userBidi"), item.toString());
            assertEquals(Boolean.TRUE, item.get("userBeforeTime"), "name, then time, left to right: " + item);
        }
        assertEquals("rtl", items.get(0).get("textDir"), "Hebrew reads right to left");
        assertEquals("rtl", items.get(0).get("userDir"), "so does a Hebrew name");
        assertEquals("ltr", items.get(2).get("textDir"), "the override did not leak into the next message");
        assertTrue(((Number) items.get(1).get("top")).doubleValue() < ((Number) items.get(2).get("top")).doubleValue(),
                "the next message is still below");
    }

    @Test
    void markupInARoomPathIsInert() {
        for (String path : List.of("chat/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E/", "chat/%3Csvg%20onload%3Dalert(1)%3E",
                "chat/%22%3E%3Cscript%3Ealert(1)%3C/script%3E/", "chat/x'%3B%20alert(1)%3B%20'/")) {
            alice.open(server.httpBase() + path);
            assertTrue(alice.driver().getTitle().startsWith("Not found"), path + ": " + alice.driver().getTitle());
            assertEquals(List.of(), alice.driver().findElements(By.cssSelector("img, svg, script")), path);
        }
        // Encoded slashes and backslashes are refused by Tomcat itself (400) before the application: inert too.
        for (String path : List.of("chat/%3C%2Fscript%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E/",
                "chat/%3Cscript%3Ealert(1)%3C%5Cscript%3E/")) {
            alice.open(server.httpBase() + path);
            assertEquals(List.of(), alice.driver().findElements(By.cssSelector("img, svg, script")), path);
        }
        alice.open(server.httpBase() + "chat/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E/");
        screenshot(alice, "not-found");
        // The browser reports the pages' own 404 and 400 statuses; nothing else may go wrong.
        assertEquals(List.of(), alice.consoleErrors().stream()
                .filter(e -> !e.getMessage().matches(".*status of 40[04].*")).toList());
    }

    @Test
    void enterDuringAnInputMethodCompositionSendsNothing() {
        RoomPage a = RoomPage.open(alice, server.httpBase(), "ime");
        RoomPage b = RoomPage.open(bob, server.httpBase(), "ime");
        a.input().click();
        alice.script("window.keys = []; document.getElementById('chat-message-input').addEventListener('keydown',"
                + " e => window.keys.push(e.key + ' composing=' + e.isComposing + ' keyCode=' + e.keyCode), true)");

        // Typing "ni hao" in a pinyin input method: the composition is underlined, Enter confirms it.
        alice.cdp("Input.imeSetComposition", Map.of("text", "ni hao", "selectionStart", 6, "selectionEnd", 6));
        pressEnter(alice, 13);
        alice.cdp("Input.insertText", Map.of("text", "你好"));
        // Safari reports that Enter after the composition ended, with keyCode 229.
        pressEnter(alice, 229);

        assertEquals(List.of("Enter composing=true keyCode=13", "Enter composing=false keyCode=229"),
                alice.script("return window.keys"), "the keys the page saw");
        assertEquals("你好", a.input().getDomProperty("value"), "the composed text waits in the composer");
        assertEquals(List.of(), a.pending(), "nothing was sent");
        screenshot(alice, "composed");

        a.say(""); // a plain Enter now sends
        assertEquals(List.of(new Line("Alice", "你好", false)), b.awaitLines(1));
        screenshot(alice, "sent");
    }

    private static void pressEnter(Browser browser, int keyCode) {
        for (String type : List.of("rawKeyDown", "keyUp")) {
            browser.cdp("Input.dispatchKeyEvent", Map.of("type", type, "key", "Enter", "code", "Enter",
                    "windowsVirtualKeyCode", keyCode));
        }
    }

    @Test
    void shiftEnterStartsANewLine() {
        RoomPage a = RoomPage.open(alice, server.httpBase(), "lines");
        RoomPage b = RoomPage.open(bob, server.httpBase(), "lines");
        a.input().sendKeys("first line", Keys.chord(Keys.SHIFT, Keys.ENTER), "second line");
        assertEquals("first line\nsecond line", a.input().getDomProperty("value"));
        a.input().sendKeys(Keys.ENTER);
        b.awaitText("first line\nsecond line");
        screenshot(bob, "bob");
    }

    @Test
    void draftSurvivesAReload() {
        RoomPage a = RoomPage.open(alice, server.httpBase(), "drafts");
        a.input().sendKeys("half a thought");
        alice.driver().navigate().refresh();
        RoomPage again = RoomPage.attach(alice).awaitState("connected");
        assertEquals("half a thought", again.input().getDomProperty("value"));
        again.input().sendKeys(Keys.ENTER);
        again.awaitText("half a thought");
        alice.driver().navigate().refresh();
        assertEquals("", RoomPage.attach(alice).awaitState("connected").input().getDomProperty("value"));
    }

    @Test
    void logFollowsTheConversationUnlessTheReaderScrolledUp() {
        RoomPage a = RoomPage.open(alice, server.httpBase(), "busy");
        // Two writers, 20 lines each: a person's socket may send 40 at once (CHAT_RATE_BURST), the join included.
        try (ChatClient other = ChatClient.join(server.wsBase(), "busy");
             ChatClient another = ChatClient.join(server.wsBase(), "busy")) {
            for (int i = 1; i <= 40; i++) {
                (i % 2 == 0 ? other : another).sendRaw("{\"message\":\"line " + i + "\",\"user\":\"Carol\"}");
            }
            a.awaitText("line 40");
            alice.until(d -> isAtBottom(), "log scrolled to the newest message");

            alice.script("document.getElementById('chat-log').scrollTop = 0");
            other.say("while you were reading");
            a.awaitText("while you were reading");
            assertEquals(0L, ((Number) alice.script("return document.getElementById('chat-log').scrollTop")).longValue(),
                    "the log stayed where the reader was");
            WebElement jump = alice.find("#new-messages");
            assertTrue(jump.isDisplayed(), "a button offers the new messages");
            screenshot(alice, "scrolled-up");
            jump.click();
            alice.until(d -> isAtBottom() && !jump.isDisplayed(), "log back at the newest message");
        }
    }

    private static boolean isAtBottom() {
        return (Boolean) alice.script("const log = document.getElementById('chat-log');"
                + "return log.scrollHeight - log.scrollTop - log.clientHeight < 2");
    }

    @Test
    void badDisplayNameIsReportedAtTheField() {
        RoomPage.open(alice, server.httpBase(), "names");
        WebElement name = alice.find("#display-name-input");
        name.clear();
        name.sendKeys("<Alice>");
        WebElement error = alice.find("#display-name-error");
        alice.until(d -> error.isDisplayed(), "name error");
        assertEquals("true", name.getDomAttribute("aria-invalid"));
        screenshot(alice, "alice");
        name.clear();
        name.sendKeys("Alice", Keys.ENTER);
        alice.until(d -> !error.isDisplayed(), "name accepted");
        assertEquals("Alice", alice.script("return localStorage.getItem('chat.displayName')"));
    }

    @Test
    void authenticatedUserChatsUnderTheContainersName() {
        bob.driver().manage().addCookie(new Cookie(TestLoginValve.COOKIE, "carol", "/"));
        try {
            RoomPage b = RoomPage.open(bob, server.httpBase(), "signed");
            RoomPage a = RoomPage.open(alice, server.httpBase(), "signed");
            assertFalse(bob.find("#display-name-input").isDisplayed(), "no name to choose");
            assertEquals("carol", bob.find("#signed-in-name").getText());
            b.say("it is really me");
            assertEquals(new Line("carol", "it is really me", false), a.awaitText("it is really me"));
            assertEquals(new Line("carol", "it is really me", true), b.awaitText("it is really me"));
            screenshot(bob, "bob");
        } finally {
            bob.driver().manage().deleteCookieNamed(TestLoginValve.COOKIE);
        }
    }

    @Test
    void securityHeadersForbidInlineScriptAndForeignSockets() throws Exception {
        URI page = server.httpBase().resolve("chat/csp/");
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(page).build(),
                HttpResponse.BodyHandlers.ofString());
        String csp = response.headers().firstValue("Content-Security-Policy").orElseThrow();
        String self = "127.0.0.1:" + server.port();
        assertAll(
                () -> assertTrue(csp.contains("script-src 'self';"), csp),
                () -> assertFalse(csp.contains("unsafe-inline") || csp.contains("unsafe-eval"), csp),
                () -> assertTrue(csp.contains("connect-src 'self' ws://" + self + " wss://" + self + ";"), csp),
                () -> assertTrue(csp.contains("frame-ancestors 'none'"), csp),
                () -> assertTrue(csp.contains("object-src 'none'"), csp),
                () -> assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElse(null)),
                () -> assertTrue(response.headers().firstValue("Content-Type").orElse("").contains("charset=UTF-8")));

        RoomPage.open(alice, server.httpBase(), "csp").say("policy check").awaitText("policy check");
        assertEquals(List.of(), alice.consoleErrors(), "a normal visit logs no error");
        // Every script of the page is a file or a JSON data block, and the browser refuses an inline one.
        assertEquals(0L, alice.script("return Array.from(document.scripts)"
                + ".filter(s => !s.src && s.type !== 'application/json').length"));
        alice.script("const s = document.createElement('script'); s.textContent = 'window.inlineRan = true';"
                + "document.head.appendChild(s)");
        assertNull(alice.script("return window.inlineRan"), "inline script ran");
        assertTrue(alice.consoleErrors().stream().anyMatch(e -> e.getMessage().contains("Content Security Policy")),
                "the refusal is reported");
        screenshot(alice, "alice");
    }

    @Test
    void phoneSizedScreenShowsEverythingWithoutSideways() {
        RoomPage a = RoomPage.open(alice, server.httpBase(), "phone");
        RoomPage b = RoomPage.open(bob, server.httpBase(), "phone");
        alice.cdp("Emulation.setDeviceMetricsOverride",
                Map.of("width", 390, "height", 844, "deviceScaleFactor", 2, "mobile", true));
        try {
            b.say("Are you on the train? 你在火車上嗎？");
            a.say("Yes, a long message to see how the bubbles wrap on a narrow screen: "
                    + "https://example.com/a/very/long/link/that/should/not/widen/the/page/at/all");
            b.awaitLines(2);
            a.awaitLines(2);
            assertTrue((Boolean) alice.script("return document.documentElement.scrollWidth <= window.innerWidth"),
                    "no sideways scrolling");
            assertTrue((Boolean) alice.script("const r = document.getElementById('chat-message-submit')"
                    + ".getBoundingClientRect(); return r.right <= window.innerWidth && r.bottom <= window.innerHeight"),
                    "send button on screen");
            screenshot(alice, "phone");
        } finally {
            alice.cdp("Emulation.clearDeviceMetricsOverride", Map.of());
        }
    }

    @Test
    void controlsAreLabelledAndTheLogIsAnnounced() {
        RoomPage.open(alice, server.httpBase(), "a11y");
        for (String id : List.of("chat-message-input", "display-name-input")) {
            assertFalse(alice.driver().findElements(By.cssSelector("label[for='" + id + "']")).isEmpty(), id);
        }
        WebElement log = alice.find("#chat-log");
        assertEquals("polite", log.getDomAttribute("aria-live"));
        assertEquals("chat-message-input", alice.script("return document.activeElement.id"), "focus starts at the message");
        assertEquals("status", alice.find("#connection-status").getDomAttribute("role"));
        assertEquals("en", alice.find("html").getDomAttribute("lang"));
    }
}
