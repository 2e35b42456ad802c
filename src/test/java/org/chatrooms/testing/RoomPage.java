package org.chatrooms.testing;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/** A chat room page in one {@link Browser}: what a test does and reads there, each wait bounded. */
public final class RoomPage {

    /** One confirmed line of the log, as the page shows it. */
    public record Line(String user, String text, boolean own) {
    }

    private final Browser browser;

    private RoomPage(Browser browser) {
        this.browser = browser;
    }

    /** Opens {@code <httpBase>chat/<room>/} and waits until its socket is connected. */
    public static RoomPage open(Browser browser, URI httpBase, String room) {
        browser.open(httpBase + "chat/" + ChatClient.encode(room) + "/");
        return attach(browser).awaitState("connected");
    }

    /** The room page the browser shows now (e.g. after the index form led there). */
    public static RoomPage attach(Browser browser) {
        browser.find("#chat-log");
        return new RoomPage(browser);
    }

    /** Stores the display name the pages use, as the name field would (the browser must be on the site). */
    public static void rememberName(Browser browser, String name) {
        browser.script("localStorage.setItem('chat.displayName', arguments[0])", name);
    }

    public Browser browser() {
        return browser;
    }

    public WebElement input() {
        return browser.find("#chat-message-input");
    }

    /** Types {@code text} and presses Enter, as a user would. */
    public RoomPage say(String text) {
        input().sendKeys(text, Keys.ENTER);
        return this;
    }

    /** {@code connected}, {@code connecting}, {@code reconnecting} or {@code offline}. */
    public String state() {
        return browser.find("#connection-status").getDomAttribute("data-state");
    }

    public RoomPage awaitState(String state) {
        browser.until(d -> state.equals(state()), "connection state " + state);
        return this;
    }

    /** The confirmed messages in the log, oldest first (not the ones still waiting in the outbox). */
    @SuppressWarnings("unchecked")
    public List<Line> lines() {
        List<Map<String, Object>> raw = (List<Map<String, Object>>) browser.script(
                "return Array.from(document.querySelectorAll('#chat-log li.message:not(.pending)')).map(li => ({"
                        + "user: li.querySelector('.user').textContent, text: li.querySelector('.text').textContent,"
                        + "own: li.classList.contains('own')}))");
        return raw.stream().map(m -> new Line((String) m.get("user"), (String) m.get("text"), (Boolean) m.get("own")))
                .toList();
    }

    public List<String> texts() {
        return lines().stream().map(Line::text).toList();
    }

    /** Waits until the log shows {@code count} confirmed messages and returns them. */
    public List<Line> awaitLines(int count) {
        return browser.until(d -> {
            List<Line> lines = lines();
            return lines.size() >= count ? lines : null;
        }, count + " messages in the log");
    }

    /** Waits until a confirmed message with exactly this text is in the log and returns it. */
    public Line awaitText(String text) {
        return browser.until(d -> lines().stream().filter(line -> line.text().equals(text)).findFirst().orElse(null),
                "message " + text);
    }

    public List<WebElement> pending() {
        return browser.driver().findElements(By.cssSelector("#chat-log li.pending"));
    }

    public String sendLabel() {
        return browser.find("#chat-message-submit").getText();
    }

    public WebDriver driver() {
        return browser.driver();
    }
}
