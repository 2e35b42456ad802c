package org.chatrooms.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.chatrooms.dev.ChatServer;
import org.chatrooms.testing.Browser;
import org.chatrooms.testing.ChatClient;
import org.chatrooms.testing.ChatCluster;
import org.chatrooms.testing.RedisServer;
import org.chatrooms.testing.RoomPage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The room page on a stream: opening or reloading a room shows its recent conversation, and when the page's
 * server restarts while others chat on through another node, the page resumes from its last message and shows
 * what was said meanwhile, each message once.
 */
@Timeout(150)
class ResumeBrowserIT {

    /** Long enough for a few backoff steps (0.5, 1, 2, 4, 8 s ceilings) after a slow restart on a busy machine. */
    private static final Duration RECONNECT_TIMEOUT = Duration.ofSeconds(45);

    @Test
    void aReloadShowsTheRecentConversationAndAReconnectWhatWasSaidMeanwhile() throws Exception {
        try (RedisServer redis = RedisServer.start();
             ChatCluster cluster = new ChatCluster(redis);
             Browser alice = Browser.start()) {
            ChatServer other = cluster.startNode();
            ChatServer mine = ChatServer.start(cluster.environment());
            int port = mine.port();
            try (ChatClient bob = ChatClient.join(other.wsBase(), "resume")) {
                for (String text : List.of("one", "two", "three")) {
                    bob.sendRaw("{\"message\":\"" + text + "\",\"user\":\"Bob\"}");
                    bob.nextChat();
                }
                RoomPage page = RoomPage.open(alice, mine.httpBase(), "resume");
                page.awaitState("connected");
                alice.until(d -> page.texts().equals(List.of("one", "two", "three")), "the recent conversation");

                alice.driver().navigate().refresh();
                RoomPage reloaded = RoomPage.attach(alice);
                reloaded.awaitState("connected");
                alice.until(d -> reloaded.texts().equals(List.of("one", "two", "three")),
                        "the recent conversation after a reload, once");

                mine.close();
                reloaded.awaitState("reconnecting");
                for (String text : List.of("while you were away", "still away")) {
                    bob.sendRaw("{\"message\":\"" + text + "\",\"user\":\"Bob\"}");
                    bob.nextChat();
                }
                mine = ChatServer.start(ChatServer.builtWar(), "", "127.0.0.1", port, cluster.environment());
                alice.until(d -> "connected".equals(reloaded.state()), "reconnected by itself", RECONNECT_TIMEOUT);
                alice.until(d -> reloaded.texts().size() == 5, "the messages said meanwhile");
                assertEquals(List.of("one", "two", "three", "while you were away", "still away"), reloaded.texts());
                assertTrue(alice.driver().findElements(By.cssSelector("#chat-log li.gap")).isEmpty(),
                        "nothing was missed, so no gap line");

                reloaded.say("I am back");
                assertEquals("I am back", bob.nextChat().getString("message"));
                reloaded.awaitText("I am back");
                alice.screenshot("ResumeBrowserIT-resumed");
                assertEquals(6, reloaded.texts().size(), "each message once");
            } finally {
                mine.close();
            }
        }
    }

    @Test
    void aReconnectAfterMoreThanTheHistoryHoldsShowsAGapLine() throws Exception {
        try (RedisServer redis = RedisServer.start();
             ChatCluster cluster = new ChatCluster(redis);
             Browser alice = Browser.start("zh-TW")) {
            Map<String, String> small = new HashMap<>(cluster.environment());
            small.put("CHAT_HISTORY_SIZE", "2");
            ChatServer other = ChatServer.start(small);
            ChatServer mine = ChatServer.start(small);
            int port = mine.port();
            try (ChatClient bob = ChatClient.join(other.wsBase(), "gap")) {
                RoomPage page = RoomPage.open(alice, mine.httpBase(), "gap");
                page.awaitState("connected");
                bob.sendRaw("{\"message\":\"before\",\"user\":\"Bob\"}");
                page.awaitText("before");
                mine.close();
                page.awaitState("reconnecting");
                for (int i = 1; i <= 5; i++) {
                    bob.sendRaw("{\"message\":\"missed " + i + "\",\"user\":\"Bob\"}");
                    bob.nextChat();
                }
                mine = ChatServer.start(ChatServer.builtWar(), "", "127.0.0.1", port, small);
                alice.until(d -> "connected".equals(page.state()), "reconnected by itself", RECONNECT_TIMEOUT);
                alice.until(d -> page.texts().contains("missed 5"), "the messages still held");
                assertEquals(List.of("before", "missed 4", "missed 5"), page.texts(), "only the held ones arrive");
                List<WebElement> gaps = alice.driver().findElements(By.cssSelector("#chat-log li.gap"));
                assertEquals(1, gaps.size(), "one line says messages were missed");
                assertTrue(gaps.get(0).getText().contains("訊息"), "in the page's language: " + gaps.get(0).getText());
                alice.screenshot("ResumeBrowserIT-gap");
            } finally {
                mine.close();
                other.close();
            }
        }
    }
}
