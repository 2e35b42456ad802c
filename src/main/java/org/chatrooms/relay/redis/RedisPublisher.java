package org.chatrooms.relay.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.chatrooms.protocol.ChatMessage;
import org.chatrooms.protocol.ChatPost;
import org.chatrooms.relay.RelayUnavailableException;

import redis.clients.jedis.Pipeline;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * Sends posts to Redis through the pooled {@link RedisClient}, numbered and published by the {@link PublishScript}.
 *
 * <p>Threads: {@link #publish} runs on container threads and only queues. One thread,
 * {@code chat-redis-publisher-<node>}, takes whatever has queued up and sends it as one pipeline, so a busy node
 * pays one round trip per batch rather than per message, and posts reach Redis in the order they were queued
 * (a user's messages stay in the order sent). It completes each post's stage, with the numbered message or with
 * {@link RelayUnavailableException}: a post is never dropped silently. While idle and marked failing, it pings
 * Redis so that readiness recovers without waiting for a user to post.
 */
final class RedisPublisher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RedisPublisher.class.getName());
    /** Posts waiting for Redis; beyond this the node is overloaded and refuses posts rather than growing memory. */
    static final int QUEUE_CAPACITY = 10_000;
    private static final int MAX_BATCH = 256;

    private final RedisClient client;
    private final RedisKeys keys;
    private final RedisPayload payload;
    private final BooleanSupplier subscribed;
    private final Duration probeInterval;
    private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final Thread thread;
    private volatile boolean running = true;
    /** Whether the last command reached Redis; starts hopeful, the subscriber's liveness covers start-up. */
    private volatile boolean works = true;

    RedisPublisher(String nodeId, RedisClient client, RedisKeys keys, RedisPayload payload,
                   BooleanSupplier subscribed, Duration probeInterval) {
        this.client = client;
        this.keys = keys;
        this.payload = payload;
        this.subscribed = subscribed;
        this.probeInterval = probeInterval;
        this.thread = RelayThreads.create("chat-redis-publisher-" + nodeId, this::run);
    }

    void start() {
        thread.start();
    }

    /** Queues a post; {@code floor} is the highest id this node delivered in the room. Never blocks. */
    CompletionStage<ChatMessage> publish(ChatPost post, long floor) {
        Pending pending = new Pending(post, floor, new CompletableFuture<>());
        if (!running) {
            pending.fail("server is shutting down");
        } else if (!queue.offer(pending)) {
            pending.fail("server is overloaded");
        } else if (!running && queue.remove(pending)) {
            // close() drained the queue between our check and our offer: nobody else will complete it.
            pending.fail("server is shutting down");
        }
        return pending.result;
    }

    /** Whether commands reach Redis, as of the last one sent. */
    boolean works() {
        return works;
    }

    /**
     * Redis may have restarted: pooled connections opened before are dead, and using one would fail a user's
     * post. Drops the idle ones so the next post opens a fresh connection.
     */
    void discardIdleConnections() {
        try {
            client.getPool().clear();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "Could not clear idle Redis connections", e);
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        RelayThreads.join(thread, RelayThreads.EXECUTOR_STOP_TIMEOUT);
        failAll(new ArrayList<>(queue), "server is shutting down");
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        while (running) {
            try {
                Pending first = queue.poll(probeInterval.toMillis(), TimeUnit.MILLISECONDS);
                if (first == null) {
                    probeIfFailing();
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                send(batch);
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException | LinkageError e) {
                // Not a Redis failure but a bug: fail the batch (its senders are told) and keep publishing.
                LOG.log(Level.SEVERE, "Unexpected failure while publishing", e);
                failAll(batch, "internal error");
            } finally {
                batch.clear();
            }
        }
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        failAll(left, "server is shutting down");
    }

    private void send(List<Pending> batch) {
        List<Pending> unsent = sendOnce(batch);
        if (!unsent.isEmpty()) {
            // NOSCRIPT: Redis restarted and forgot the script. Those posts did not run, so sending them again is safe.
            try {
                PublishScript.load(client);
                unsent = sendOnce(unsent);
            } catch (JedisException e) {
                connectionFailed(e);
            }
            failAll(unsent, "Redis could not run the publish script");
        }
    }

    /** Sends one pipeline; completes the posts it can and returns those Redis refused for lack of the script. */
    private List<Pending> sendOnce(List<Pending> batch) {
        List<Response<Object>> replies = new ArrayList<>(batch.size());
        try (Pipeline pipeline = client.pipelined()) {
            for (Pending pending : batch) {
                replies.add(PublishScript.append(pipeline, keys, payload, pending.post, pending.floor));
            }
            pipeline.sync();
        } catch (JedisException e) {
            // The connection failed mid-way: some posts may have run. Their senders are told "not delivered",
            // though a message that did run still shows up; a false alarm beats a silent loss.
            connectionFailed(e);
            failAll(batch, "chat server cannot reach Redis");
            return List.of();
        }
        works = true;
        List<Pending> noScript = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Pending pending = batch.get(i);
            try {
                pending.result.complete(PublishScript.numbered(pending.post, replies.get(i).get()));
            } catch (JedisNoScriptException e) {
                noScript.add(pending);
            } catch (JedisDataException e) {
                LOG.log(Level.SEVERE, "Redis refused a chat message: " + e.getMessage(), e);
                pending.fail("Redis refused it");
            } catch (RelayUnavailableException e) {
                pending.result.completeExceptionally(e);
            }
        }
        return noScript;
    }

    private void probeIfFailing() {
        if (works || !subscribed.getAsBoolean()) {
            return;
        }
        try {
            client.ping();
            works = true;
            LOG.info("Publishing to Redis works again");
        } catch (JedisException e) {
            LOG.log(Level.FINE, "Redis publish connection still failing", e);
        }
    }

    private void connectionFailed(JedisException e) {
        if (works) {
            LOG.log(Level.WARNING, "Publishing to Redis failed (" + e.getMessage()
                    + "); posts are refused until it works again", e);
        }
        works = false;
    }

    private static void failAll(List<Pending> posts, String why) {
        posts.forEach(pending -> pending.fail(why));
    }

    /** A post waiting for Redis, and the stage its sender waits on. */
    private record Pending(ChatPost post, long floor, CompletableFuture<ChatMessage> result) {
        void fail(String why) {
            result.completeExceptionally(new RelayUnavailableException(why));
        }
    }
}
