package org.chatrooms.relay.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import org.chatrooms.protocol.ChatMessage;
import org.chatrooms.protocol.ChatPost;
import org.chatrooms.relay.RelayListener;
import org.chatrooms.relay.StreamRetention;
import org.chatrooms.room.RoomName;
import org.chatrooms.testing.Eventually;
import org.chatrooms.testing.RedisClusterSetup;

/**
 * Chat through several relays (nodes) while a test breaks Redis, and the bookkeeping that proves nothing was lost
 * silently: every post either gets its echo (the stage completes) or the sender is told (the stage fails); each
 * node delivers each message at most once; no position names two messages; a message acknowledged to its sender
 * but missing at a node is allowed only where that node reported a gap for the room. Measures, per room, the
 * longest time between two acknowledged posts (the pause a user sees).
 *
 * <p>Threads: one sender thread ({@code failover-chat-sender}) posts round robin over (node, room) every
 * {@link #INTERVAL}; the relays' dispatch threads record deliveries.
 */
final class FailoverChat implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(FailoverChat.class.getName());
    static final Duration INTERVAL = Duration.ofMillis(10);

    /** One relay and what it delivered. */
    /** The relay settings of a node of {@code cluster}, its keys under {@code prefix}. */
    static RedisRelayConfig clusterConfig(RedisClusterSetup cluster, String prefix) {
        Map<String, String> settings = Map.of("CHAT_REDIS_CLUSTER", cluster.seeds(), "CHAT_REDIS_PREFIX", prefix);
        return RedisRelayConfig.fromSettings(name -> Optional.ofNullable(settings.get(name))).orElseThrow();
    }

    static final class Node implements RelayListener {
        final RedisRelay relay;
        final String name;
        final Map<RoomName, List<ChatMessage>> delivered = new ConcurrentHashMap<>();
        final Map<RoomName, List<Long>> gapsAtNanos = new ConcurrentHashMap<>();

        Node(String name, RedisRelayConfig config) {
            this.name = name;
            this.relay = new RedisRelay(config, StreamRetention.DEFAULT);
            relay.start(this);
        }

        @Override
        public void onMessage(ChatMessage message) {
            delivered.computeIfAbsent(message.room(), r -> Collections.synchronizedList(new ArrayList<>()))
                    .add(message);
        }

        @Override
        public void onGap(RoomName room) {
            gapsAtNanos.computeIfAbsent(room, r -> new ArrayList<>()).add(System.nanoTime());
        }
    }

    private record Post(String text, RoomName room, Node via, long sentNanos, CompletableFuture<ChatMessage> result) {
    }

    private final List<Node> nodes;
    private final List<RoomName> rooms;
    private final ConcurrentLinkedQueue<Post> posts = new ConcurrentLinkedQueue<>();
    private final Thread sender;
    private volatile boolean sending = true;

    FailoverChat(List<Node> nodes, List<RoomName> rooms) {
        this.nodes = nodes;
        this.rooms = rooms;
        this.sender = new Thread(this::send, "failover-chat-sender");
    }

    void start() {
        sender.start();
    }

    private void send() {
        long n = 0;
        while (sending) {
            for (RoomName room : rooms) {
                Node via = nodes.get((int) (n % nodes.size()));
                String text = via.name + "-" + room + "-" + n;
                posts.add(new Post(text, room, via, System.nanoTime(),
                        via.relay.publish(new ChatPost(room, "tester", text)).toCompletableFuture()));
            }
            n++;
            try {
                TimeUnit.MILLISECONDS.sleep(INTERVAL.toMillis()); // the posting rate, not a synchronisation
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Waits until {@code room} had {@code count} posts acknowledged that were sent after {@code sinceNanos}. */
    void awaitAcknowledged(RoomName room, long sinceNanos, int count, Duration timeout) {
        Eventually.until(count + " posts to " + room + " acknowledged", timeout, () -> posts.stream()
                .filter(p -> p.room.equals(room) && p.sentNanos > sinceNanos && isAcknowledged(p)).count() >= count);
    }

    /** First post to {@code room} acknowledged among those sent after {@code sinceNanos}: its send time. */
    long firstAcknowledgedAfter(RoomName room, long sinceNanos) {
        return posts.stream().filter(p -> p.room.equals(room) && p.sentNanos > sinceNanos && isAcknowledged(p))
                .mapToLong(Post::sentNanos).min().orElse(-1);
    }

    /** The longest time between two acknowledged posts of {@code room}, from sends after {@code fromNanos}. */
    Duration longestPause(RoomName room, long fromNanos) {
        long last = -1;
        long longest = 0;
        for (Post post : posts) {
            if (!post.room.equals(room) || post.sentNanos < fromNanos || !isAcknowledged(post)) {
                continue;
            }
            if (last >= 0) {
                longest = Math.max(longest, post.sentNanos - last);
            }
            last = post.sentNanos;
        }
        return Duration.ofNanos(longest);
    }

    /**
     * Stops sending, waits for every stage and for the deliveries of every acknowledged post, then checks the
     * rules; returns a summary line for the log and the report.
     */
    Summary stopAndCheck(Duration timeout) {
        sending = false;
        try {
            sender.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Eventually.until("every post answered", timeout, () -> posts.stream().allMatch(p -> p.result.isDone()));
        List<Post> acknowledged = posts.stream().filter(FailoverChat::isAcknowledged).toList();
        // Every acknowledged message reaches every node, unless that node told the room's sockets about a gap.
        Eventually.until("acknowledged posts delivered (or a gap reported)", timeout, () -> missing(acknowledged) == 0);
        Map<String, String> byPosition = new HashMap<>();
        int falseAlarms = 0;
        Set<String> deliveredTexts = new HashSet<>();
        for (Node node : nodes) {
            for (Map.Entry<RoomName, List<ChatMessage>> room : node.delivered.entrySet()) {
                Set<String> seen = new HashSet<>();
                for (ChatMessage message : List.copyOf(room.getValue())) {
                    assertTrue(seen.add(message.text()), node.name + " delivered " + message.text() + " twice");
                    String other = byPosition.putIfAbsent(positionKey(message), message.text());
                    assertTrue(other == null || other.equals(message.text()),
                            "position " + message.position() + " of " + message.room() + " names both " + other
                                    + " and " + message.text());
                    deliveredTexts.add(message.text());
                }
            }
        }
        for (Post post : posts) {
            if (!isAcknowledged(post) && deliveredTexts.contains(post.text)) {
                falseAlarms++; // told "not delivered", yet it went out: allowed, a false alarm
            }
        }
        for (Post post : acknowledged) {
            ChatMessage echo = post.result.join();
            String named = byPosition.get(positionKey(echo));
            assertTrue(named == null || named.equals(post.text), "the echo's position names another message");
        }
        long refused = posts.stream().filter(p -> !isAcknowledged(p)).count();
        int gaps = nodes.stream().mapToInt(n -> n.gapsAtNanos.values().stream().mapToInt(List::size).sum()).sum();
        Summary summary = new Summary(posts.size(), acknowledged.size(), refused, falseAlarms, gaps,
                silentlyLost(acknowledged));
        assertEquals(0, summary.silentlyLost(), "messages lost silently");
        return summary;
    }

    record Summary(int posts, int acknowledged, long refused, int falseAlarms, int gapsReported, long silentlyLost) {
        @Override
        public String toString() {
            return posts + " posts: " + acknowledged + " acknowledged, " + refused + " refused (sender told), "
                    + falseAlarms + " refused yet delivered (false alarms), " + gapsReported + " gap reports, "
                    + silentlyLost + " lost silently";
        }
    }

    /** Acknowledged posts some node neither delivered nor covered by a gap report. */
    private long missing(List<Post> acknowledged) {
        return silentlyLost(acknowledged);
    }

    private long silentlyLost(List<Post> acknowledged) {
        long lost = 0;
        for (Node node : nodes) {
            Map<RoomName, Set<String>> texts = new HashMap<>();
            node.delivered.forEach((room, list) -> texts.put(room,
                    new HashSet<>(List.copyOf(list).stream().map(ChatMessage::text).toList())));
            for (Post post : acknowledged) {
                boolean delivered = texts.getOrDefault(post.room, Set.of()).contains(post.text);
                boolean gapAfter = node.gapsAtNanos.getOrDefault(post.room, List.of()).stream()
                        .anyMatch(at -> at > post.sentNanos);
                if (!delivered && !gapAfter) {
                    lost++;
                }
            }
        }
        return lost;
    }

    private static String positionKey(ChatMessage message) {
        return message.room() + "@" + message.position().epoch() + ":" + message.position().id();
    }

    private static boolean isAcknowledged(Post post) {
        return post.result.isDone() && !post.result.isCompletedExceptionally();
    }

    static void log(String line) {
        LOG.info(line);
        System.out.println("[failover] " + line);
    }

    @Override
    public void close() {
        sending = false;
        sender.interrupt();
        for (Node node : nodes) {
            node.relay.close();
        }
    }
}
