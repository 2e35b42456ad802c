package org.chatrooms.relay.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.stream.Collectors;

import org.chatrooms.dev.ChatServer;
import org.chatrooms.testing.ChatClient;
import org.chatrooms.testing.ChatCluster;
import org.chatrooms.testing.Eventually;
import org.chatrooms.testing.LogCapture;
import org.chatrooms.testing.RedisDeployment;
import org.chatrooms.testing.RedisMode;
import org.chatrooms.testing.RedisServer;
import org.chatrooms.testing.RelayThreadCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import redis.clients.jedis.Jedis;

/**
 * Redeploying the WAR on a running Tomcat (a context reload) must leave no relay thread and no Redis connection of
 * the old deployment behind, and Tomcat must not warn about leaks; stopping the server must leave nothing at all.
 * One redis-server here; {@link SentinelRedeployHA} and {@link ClusterRedeployHA} run the same tests in the other
 * two modes, where Jedis has helpers of its own (Sentinel's {@code +switch-master} listeners, a Cluster's pool per
 * primary) and connections go to several servers.
 */
@Timeout(120)
class RedeployIT {

    /** The Redis mode of the node; the {@code *HA} subclasses name the other two. */
    protected RedisMode mode() {
        return RedisMode.STANDALONE;
    }

    @Test
    void aReloadLeavesNoThreadNoConnectionAndNoLeakWarning() throws Exception {
        try (RedisDeployment redis = mode().start();
             ChatCluster cluster = new ChatCluster(redis);
             LogCapture tomcatLog = LogCapture.of("org.apache.catalina")) {
            ChatServer node = cluster.startNode();
            Set<String> before = relayThreadNames();
            String oldNode = nodeIdOf(before);
            Set<String> presenceBefore = presenceThreadNames();
            Set<Thread> jedisBefore = jedisThreads();
            if (mode() == RedisMode.STANDALONE) {
                assertEquals(2, presenceBefore.size(), "the presence's two threads: " + presenceBefore);
            }
            // A Cluster node has no subscriber thread of its own: one reader per shard it hosts rooms of (none yet).
            Set<String> roles = mode() == RedisMode.CLUSTER ? Set.of("control", "publisher", "dispatch")
                    : Set.of("subscriber", "control", "publisher", "dispatch");
            assertEquals(roles.stream().map(role -> "chat-redis-" + role + "-" + oldNode)
                    .collect(Collectors.toSet()), before);

            try (ChatClient ann = ChatClient.join(node.wsBase(), "2330")) {
                ann.say("before reload");
                assertEquals("before reload", ann.nextChat().getString("message"));
                node.context().reload();
                assertEquals(1001, ann.awaitClose().code(), "sockets are sent away with 1001 to reconnect");
            }

            Set<String> after = relayThreadNames();
            assertTrue(after.stream().noneMatch(before::contains), "old threads left: " + after);
            assertEquals(Set.of(), jedisBefore.stream().filter(Thread::isAlive).map(Thread::getName)
                    .collect(Collectors.toSet()), "Jedis's own threads of the old deployment still running");
            assertEquals(roles.size(), after.size(), "one new relay: " + after);
            Set<String> presenceAfter = presenceThreadNames();
            assertEquals(presenceBefore.size(), presenceAfter.size(), "one new presence: " + presenceAfter);
            assertTrue(presenceAfter.stream().noneMatch(presenceBefore::contains), "old presence thread left");
            for (String oldPresence : presenceBefore.stream().map(name -> name.split("-")[3]).distinct().toList()) {
                Eventually.until("Redis saw the old presence connection close", Duration.ofSeconds(10),
                        () -> !clientList(redis).contains("name=chat-" + oldPresence + "-presence"));
            }
            Eventually.until("Redis saw the old node's connections close", Duration.ofSeconds(10),
                    () -> !clientList(redis).contains("name=chat-" + oldNode + "-"));
            try (ChatClient bob = ChatClient.join(node.wsBase(), "2330")) {
                bob.say("after reload");
                assertEquals("after reload", bob.nextChat().getString("message"));
            }
            List<String> leaks = tomcatLog.matching(LogCapture.message(Level.WARNING, "")).stream()
                    .map(LogCapture::text)
                    .filter(text -> text.contains("thread") || text.contains("leak") || text.contains("ThreadLocal"))
                    .toList();
            assertEquals(List.of(), leaks, "Tomcat's leak warnings");
        }
        RelayThreadCheck.assertNoneAlive();
    }

    @Test
    void jedisLogsThroughTheContainerLogging() throws Exception {
        assumeTrue(mode() == RedisMode.STANDALONE, "the WAR's logging binding is the same in every mode");
        try (RedisDeployment redis = mode().start();
             ChatCluster cluster = new ChatCluster(redis)) {
            ChatServer node = cluster.startNode();
            ClassLoader webapp = node.context().getLoader().getClassLoader();
            Object factory = webapp.loadClass("org.slf4j.LoggerFactory").getMethod("getILoggerFactory").invoke(null);
            assertEquals("org.slf4j.impl.JDK14LoggerFactory", factory.getClass().getName(),
                    "the WAR's SLF4J binding sends Jedis's logs to java.util.logging");
            assertFalse(factory.getClass().getClassLoader() == ClassLoader.getSystemClassLoader());
        }
    }

    /** Every client connected to any of the deployment's data nodes, as CLIENT LIST shows them. */
    private static String clientList(RedisDeployment redis) {
        StringBuilder all = new StringBuilder();
        for (RedisServer server : redis.dataNodes()) {
            try (Jedis admin = server.admin()) {
                all.append(admin.clientList()).append('\n');
            }
        }
        return all.toString();
    }

    /** The relay's threads; the presence's ({@code chat-redis-presence-<id>-1}, {@code -heartbeat-1}) apart. */
    private static Set<String> relayThreadNames() {
        return RelayThreadCheck.aliveRelayThreads().stream().map(Thread::getName)
                .filter(name -> !name.startsWith("chat-redis-presence-")).collect(Collectors.toSet());
    }

    /** Jedis's own helper threads: Sentinel's {@code +switch-master} listeners ({@code <master>-SentinelListener-}). */
    private static Set<Thread> jedisThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .filter(thread -> thread.getName().contains("-SentinelListener-")).collect(Collectors.toSet());
    }

    private static Set<String> presenceThreadNames() {
        return RelayThreadCheck.aliveRelayThreads().stream().map(Thread::getName)
                .filter(name -> name.startsWith("chat-redis-presence-")).collect(Collectors.toSet());
    }

    private static String nodeIdOf(Set<String> threadNames) {
        String any = threadNames.iterator().next();
        return any.substring(any.lastIndexOf('-') + 1);
    }
}
