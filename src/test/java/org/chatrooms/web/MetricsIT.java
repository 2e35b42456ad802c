package org.chatrooms.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.chatrooms.dev.ChatServer;
import org.chatrooms.testing.ChatClient;
import org.chatrooms.testing.Eventually;
import org.chatrooms.testing.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code /metrics}: valid Prometheus text (every sample parses and belongs to a family with a TYPE), and values
 * that change as clients connect, chat, send bad input and leave.
 */
@Timeout(60)
class MetricsIT {

    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\",?)*\\})? (\\S+)");
    private static final Pattern TYPE = Pattern.compile("# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) "
            + "(counter|gauge|histogram|summary|untyped)");

    @Test
    void countsWhatClientsDo() throws Exception {
        try (ChatServer node = ChatServer.start(Map.of())) {
            Map<String, Double> before = scrape(node);
            assertEquals(0.0, before.get("chat_sockets"));
            assertTrue(before.containsKey("jvm_memory_used_bytes{area=\"heap\",id=\"G1 Eden Space\"}")
                    || before.keySet().stream().anyMatch(k -> k.startsWith("jvm_memory_used_bytes")), "JVM metrics");
            assertTrue(before.keySet().stream().anyMatch(k -> k.startsWith("tomcat_threads_busy")),
                    "the container's thread pool: " + before.keySet());
            try (ChatClient ann = ChatClient.join(node.wsBase(), "metrics");
                 ChatClient bob = ChatClient.join(node.wsBase(), "metrics")) {
                ann.say("hello");
                ann.nextChat();
                bob.nextChat();
                ann.sendRaw("not json");
                assertEquals("invalid_json", ann.next().getString("code"));
                Map<String, Double> during = scrape(node);
                assertEquals(2.0, during.get("chat_sockets"));
                assertEquals(1.0, during.get("chat_rooms"));
                // Each join's round trip ("{}", refused as missing_message) is a frame received too.
                assertEquals(4.0, during.get("chat_messages_received_total"), during.toString());
                assertEquals(1.0, during.get("chat_messages_published_total"));
                assertEquals(1.0, during.get("chat_messages_refused_total{reason=\"invalid_json\"}"));
                assertEquals(2.0, during.get("chat_messages_refused_total{reason=\"missing_message\"}"));
                assertTrue(during.get("chat_frames_sent_total") >= 5, "2 echoes, 3 errors");
                assertEquals(1.0, during.get("chat_publish_seconds_count"));
            }
            Map<String, Double> after = Eventually.value("both sockets closed", ChatClient.TIMEOUT,
                    () -> scrape(node), m -> m.get("chat_sockets") == 0.0);
            assertEquals(2.0, after.get("chat_socket_closes_total{code=\"1000\"}"), after.toString());
            assertEquals(0.0, after.get("chat_rooms"));
        }
    }

    @Test
    void offWhenTurnedOff() throws Exception {
        try (ChatServer node = ChatServer.start(Map.of("CHAT_METRICS", "false"))) {
            assertEquals(404, Http.status(node.httpBase().resolve("metrics")));
        }
    }

    /** Parses the exposition, failing on any line that is not valid; returns sample name+labels → value. */
    private static Map<String, Double> scrape(ChatServer node) {
        var response = Http.get(node.httpBase().resolve("metrics"));
        assertEquals(200, response.statusCode());
        String contentType = response.headers().firstValue("Content-Type").orElse("").replace(" ", "");
        assertTrue(contentType.startsWith("text/plain;version=0.0.4"), "Prometheus text format: " + contentType);
        Map<String, Double> samples = new HashMap<>();
        Set<String> typed = new HashSet<>();
        for (String line : response.body().split("\n")) {
            if (line.isEmpty() || line.startsWith("# HELP ")) {
                continue;
            }
            Matcher type = TYPE.matcher(line);
            if (type.matches()) {
                typed.add(type.group(1));
                continue;
            }
            Matcher sample = SAMPLE.matcher(line);
            assertTrue(sample.matches(), "not a Prometheus sample: " + line);
            String name = sample.group(1);
            assertTrue(typed.contains(name) || typed.contains(name.replaceAll("_(total|count|sum|bucket|max)$", "")),
                    "no TYPE for " + name);
            samples.put(name + (sample.group(2) == null ? "" : sample.group(2)), Double.parseDouble(sample.group(3)));
        }
        return samples;
    }
}
