package org.chatrooms.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.chatrooms.dev.ChatServer;
import org.chatrooms.testing.Browser;
import org.chatrooms.testing.RoomPage;
import org.chatrooms.testing.TestLoginValve;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WindowType;

/**
 * The room page's "who is here" list in headless Chromium: two windows show each other (the signed-in one with
 * its verified mark), a guest counted, and closing one window takes it off the other's list with a quiet
 * "left" line. Screenshots (desktop and phone width) under target/screenshots/.
 */
@Timeout(120)
class PresenceBrowserIT {

    private static ChatServer server;
    private static Browser alice;
    private static Browser bob;

    @BeforeAll
    static void start() throws Exception {
        server = ChatServer.start(Map.of());
        TestLoginValve.install(server);
        alice = Browser.start();
        bob = Browser.start();
        alice.open(server.httpBase() + "chat/");
        bob.open(server.httpBase() + "chat/");
        alice.driver().manage().addCookie(new Cookie(TestLoginValve.COOKIE, "alice", "/"));
        RoomPage.rememberName(bob, "Bob");
    }

    @AfterAll
    static void stop() throws Exception {
        try (ChatServer s = server; Browser a = alice; Browser b = bob) {
            // closed in reverse order, each even if another fails
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> whoIsHere(Browser browser) {
        return (List<String>) browser.script("return Array.from(document.querySelectorAll('#presence-list li'))"
                + ".map(li => li.dataset.user + (li.dataset.verified ? ' (verified)' : ''))");
    }

    private static String guests(Browser browser) {
        return (String) browser.script("const g = document.getElementById('presence-guests');"
                + " return g.hidden ? '' : g.textContent");
    }

    private static String changeLines(Browser browser) {
        return (String) browser.script("return Array.from(document.querySelectorAll('#chat-log li.presence-change'))"
                + ".map(li => li.textContent).join(' / ')");
    }

    @Test
    void twoWindowsShowEachOtherAndClosingOneRemovesIt() {
        RoomPage a = RoomPage.open(alice, server.httpBase(), "presence_room");
        alice.until(d -> whoIsHere(alice).equals(List.of("alice (verified)")), "alice alone in her list");
        RoomPage.open(bob, server.httpBase(), "presence_room");
        alice.until(d -> whoIsHere(alice).equals(List.of("alice (verified)", "Bob")), "Bob in alice's list");
        bob.until(d -> whoIsHere(bob).equals(List.of("alice (verified)", "Bob")), "alice in Bob's list");
        alice.until(d -> changeLines(alice).equals("Bob joined"), "a quiet join line");
        a.say("Hello Bob");
        bob.until(d -> bob.driver().findElements(org.openqa.selenium.By.cssSelector(
                "#chat-log li.message[data-verified='true'] .verified-mark")).size() == 1, "alice's message marked");
        alice.screenshot("PresenceBrowserIT-two-windows-alice");
        bob.screenshot("PresenceBrowserIT-two-windows-bob");
        bob.driver().manage().window().setSize(new Dimension(390, 760));
        bob.screenshot("PresenceBrowserIT-phone-bob");
        bob.driver().manage().window().setSize(new Dimension(1024, 768));

        // Bob closes the room's tab (navigating away could keep the page, and its socket, in the back-forward cache).
        String room = bob.driver().getWindowHandle();
        String other = bob.driver().switchTo().newWindow(WindowType.TAB).getWindowHandle();
        bob.driver().switchTo().window(room).close();
        bob.driver().switchTo().window(other);
        alice.until(d -> whoIsHere(alice).equals(List.of("alice (verified)")), "Bob gone from alice's list");
        // A message came between them, so the leave has a line of its own.
        alice.until(d -> changeLines(alice).equals("Bob joined / Bob left"), "a quiet leave line");
        assertEquals("", guests(alice));
        alice.screenshot("PresenceBrowserIT-after-leave-alice");

        // Back in the room, then away to another page: the page closes its socket when it is hidden.
        RoomPage.open(bob, server.httpBase(), "presence_room");
        alice.until(d -> whoIsHere(alice).equals(List.of("alice (verified)", "Bob")), "Bob back in alice's list");
        bob.open("about:blank");
        alice.until(d -> whoIsHere(alice).equals(List.of("alice (verified)")), "Bob gone after navigating away");
        assertEquals(List.of(), alice.consoleErrors(), "console errors");
    }

    @Test
    void aGuestWithoutANameIsCountedInTraditionalChinese() {
        RoomPage.open(alice, server.httpBase(), "presence_zh");
        try (Browser guest = Browser.start("zh-TW")) {
            RoomPage.open(guest, server.httpBase(), "presence_zh");
            guest.until(d -> whoIsHere(guest).equals(List.of("alice (verified)")), "alice in the guest's list");
            assertEquals("另有 1 位訪客", guests(guest));
            assertEquals("已登入", guest.script(
                    "return document.querySelector('#presence-list .verified-mark').title"));
            guest.screenshot("PresenceBrowserIT-zh-TW-guest");
            assertEquals(List.of(), guest.consoleErrors(), "console errors");
        }
        // Anonymous guests are counted, not announced: alice's log has no line for the guest.
        assertEquals("", changeLines(alice));
    }
}
