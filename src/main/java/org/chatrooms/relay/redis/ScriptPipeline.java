package org.chatrooms.relay.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.chatrooms.concurrent.OwnedThreads;
import org.chatrooms.protocol.ChatMessage;
import org.chatrooms.protocol.ChatPost;
import org.chatrooms.relay.History;
import org.chatrooms.relay.HistoryFilter;
import org.chatrooms.relay.RelayUnavailableException;
import org.chatrooms.relay.RepeatedPostException;
import org.chatrooms.room.RoomName;

import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisAskDataException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.exceptions.JedisRedirectionException;

/**
 * Runs the stream scripts for container threads: posts ({@code publish.lua}) and history reads for joining sockets
 * ({@code history.lua}), through the pooled client of {@link RedisNodes}.
 *
 * <p>Threads: {@link #publish} and {@link #history} run on container threads and only queue. One thread,
 * {@code chat-redis-publisher-<node>}, takes whatever has queued up and sends it as one pipeline, so a busy node
 * pays one round trip per batch rather than per call, and calls reach Redis in the order they were queued (a
 * user's messages stay in the order sent). It completes each call's stage, with the answer or with
 * {@link RelayUnavailableException}: a post is never dropped silently. While idle and marked failing, it pings
 * Redis so that readiness recovers without waiting for a user to post; with Sentinel, while idle it also asks
 * the sentinels every few seconds which primary to use ({@link RedisNodes#recheckPrimary}).
 *
 * <p>Readiness: a connection failure, and also a Redis that answers but refuses to work (out of memory, a
 * read-only replica, a user lacking a permission), makes {@link #works} false until a call succeeds again; the
 * first refusal of a kind is logged with its reason, repeats are counted into the next line.
 */
final class ScriptPipeline implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ScriptPipeline.class.getName());
    /** Calls waiting for Redis; beyond this the node is overloaded and refuses posts rather than growing memory. */
    static final int QUEUE_CAPACITY = 10_000;
    private static final int MAX_BATCH = 256;
    /** Sentinel: while idle, the sentinels are asked for the primary every this many polls (5 s by default). */
    private static final int IDLE_POLLS_PER_PRIMARY_CHECK = 20;

    private final RedisNodes nodes;
    private final StreamScripts scripts;
    private final BooleanSupplier subscribed;
    private final Duration probeInterval;
    private final BlockingQueue<Call<?>> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final Thread thread;
    private volatile boolean running = true;
    /**
     * Whether the last command to each server reached Redis and was carried out (empty: nothing sent yet; the
     * subscriber's liveness covers start-up). One entry unless this is a Cluster, where it is one per primary: a
     * shard that is down refuses its own rooms' posts, but the node works while any primary does.
     */
    private final Map<Object, Boolean> works = new ConcurrentHashMap<>();
    // Publisher thread only: polls that found nothing to send.
    private long idlePolls;
    // Publisher thread only: the server (Cluster: the primary) the calls being sent go to.
    private Object target = "";
    /**
     * Redis may have restarted with an empty script cache: load the scripts before the next batch, so that no batch
     * half-fails with NOSCRIPT (resending its failed calls after others of the batch ran would reorder a user's
     * messages). A NOSCRIPT later still resends what did not run.
     */
    private volatile boolean reloadScripts = true;
    // Publisher thread only: the refusal last logged, and how many followed it unlogged.
    private String lastRefusal;
    private long refusalsSinceLogged;

    ScriptPipeline(String nodeId, RedisNodes nodes, StreamScripts scripts, BooleanSupplier subscribed,
                   Duration probeInterval) {
        this.nodes = nodes;
        this.scripts = scripts;
        this.subscribed = subscribed;
        this.probeInterval = probeInterval;
        this.thread = OwnedThreads.thread("chat-redis-publisher-" + nodeId, this::run);
    }

    void start() {
        thread.start();
    }

    /** Queues a post. Never blocks. */
    CompletionStage<ChatMessage> publish(ChatPost post) {
        return enqueue(new PublishCall(post));
    }

    /** Queues a history read. Never blocks. */
    CompletionStage<History> history(RoomName room, HistoryFilter filter) {
        return enqueue(new HistoryCall(room, filter));
    }

    private <T> CompletionStage<T> enqueue(Call<T> call) {
        if (!running) {
            call.fail("server is shutting down");
        } else if (!queue.offer(call)) {
            call.fail("server is overloaded");
        } else if (!running && queue.remove(call)) {
            // close() drained the queue between our check and our offer: nobody else will complete it.
            call.fail("server is shutting down");
        }
        return call.result;
    }

    /** Whether commands reach Redis and are carried out, as of the last one sent. */
    boolean works() {
        return works.isEmpty() || works.containsValue(true);
    }

    /**
     * Redis may have restarted: pooled connections opened before are dead, and using one would fail a user's
     * post. Drops the idle ones so the next post opens a fresh connection.
     */
    void discardIdleConnections() {
        reloadScripts = true;
        nodes.discardIdleConnections();
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        OwnedThreads.join(thread, OwnedThreads.STOP_TIMEOUT);
        failAll(new ArrayList<>(queue), "server is shutting down");
    }

    private void run() {
        List<Call<?>> batch = new ArrayList<>(MAX_BATCH);
        while (running) {
            try {
                Call<?> first = queue.poll(probeInterval.toMillis(), TimeUnit.MILLISECONDS);
                if (first == null) {
                    probeIfFailing();
                    if (++idlePolls % IDLE_POLLS_PER_PRIMARY_CHECK == 0) {
                        // Sentinel: a primary that handed over while alive breaks no connection; ask now and then.
                        nodes.recheckPrimary();
                    }
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                send(batch);
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException | LinkageError e) {
                // Not a Redis failure but a bug: fail the batch (its senders are told) and keep publishing.
                LOG.log(Level.SEVERE, "Unexpected failure while calling Redis", e);
                failAll(batch, "internal error");
            } finally {
                batch.clear();
            }
        }
        List<Call<?>> left = new ArrayList<>();
        queue.drainTo(left);
        failAll(left, "server is shutting down");
    }

    /** One pipeline per server: in a Cluster, a shard that is down fails only its own rooms' calls. */
    private void send(List<Call<?>> batch) {
        if (!nodes.isCluster()) {
            target = "";
            sendToOne(batch);
            return;
        }
        Map<Object, List<Call<?>>> byShard = new LinkedHashMap<>();
        for (Call<?> call : batch) {
            Object shard;
            try {
                shard = nodes.shardOf(scripts.sampleKey(call.room()));
            } catch (RuntimeException e) {
                shard = "";
            }
            byShard.computeIfAbsent(shard, s -> new ArrayList<>()).add(call);
        }
        byShard.forEach((shard, calls) -> {
            target = shard;
            sendToOne(calls);
        });
    }

    private void sendToOne(List<Call<?>> batch) {
        if (reloadScripts) {
            try {
                for (RoomName room : batch.stream().map(Call::room).distinct().toList()) {
                    scripts.load(nodes.commands(), room);
                }
                reloadScripts = nodes.isCluster(); // a Cluster's other shards may still lack them
            } catch (JedisException e) {
                LOG.log(Level.FINE, "Could not load the chat scripts ahead of a batch", e);
            }
        }
        List<Call<?>> unsent = sendOnce(batch);
        if (!unsent.isEmpty()) {
            // NOSCRIPT: Redis restarted or failed over and lacks the scripts; MOVED: a Cluster slot has another
            // owner now. Either way those calls did not run, so sending them again is safe.
            try {
                nodes.refreshSlots();
                for (RoomName room : unsent.stream().map(Call::room).distinct().toList()) {
                    scripts.load(nodes.commands(), room);
                }
                unsent = sendOnce(unsent);
            } catch (JedisException e) {
                connectionFailed(e);
            }
            failAll(unsent, "Redis could not run the chat scripts");
        }
    }

    /** Sends one pipeline; completes the calls it can and returns those Redis refused for lack of the script. */
    private List<Call<?>> sendOnce(List<Call<?>> batch) {
        List<Response<Object>> replies = new ArrayList<>(batch.size());
        try (AbstractPipeline pipeline = nodes.pipeline(scripts.sampleKey(batch.get(0).room()))) {
            for (Call<?> call : batch) {
                replies.add(call.append(pipeline));
            }
            pipeline.sync();
        } catch (JedisException e) {
            // The connection failed mid-way: some posts may have run. Their senders are told "not delivered",
            // though a message that did run still shows up; a false alarm beats a silent loss. In a Cluster the
            // shard may have failed over: learn the slots again for the next batch.
            connectionFailed(e);
            nodes.refreshSlots();
            failAll(batch, "chat server cannot reach Redis");
            return List.of();
        }
        List<Call<?>> noScript = new ArrayList<>();
        boolean refused = false;
        for (int i = 0; i < batch.size(); i++) {
            Call<?> call = batch.get(i);
            try {
                call.answer(replies.get(i).get());
            } catch (JedisAskDataException e) {
                // The room's slot is migrating and its keys have left. Following ASK would run the script on the
                // importing primary, where no node is subscribed yet (sharded subscriptions move once the slot
                // has), so the message would reach nobody; resending would meet ASK again. Refused at once.
                call.fail("the room is moving to another Redis shard");
            } catch (JedisNoScriptException | JedisRedirectionException e) {
                noScript.add(call); // did not run: resent after loading the scripts and learning the slots
            } catch (JedisDataException e) {
                refused = true;
                refusal(e);
                call.fail("Redis refused it: " + firstWord(e.getMessage()));
            } catch (RelayUnavailableException | RepeatedPostException e) {
                call.result.completeExceptionally(e);
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "Unreadable answer from Redis", e);
                call.fail("internal error");
            }
        }
        if (!refused && noScript.size() < batch.size()) {
            worksAgain();
        }
        return noScript;
    }

    private void probeIfFailing() {
        if (works() || !subscribed.getAsBoolean()) {
            return;
        }
        try {
            // A refusing Redis (out of memory, read-only) still answers PING: probe with what posts really need.
            scripts.probe(nodes.commands());
            works.replaceAll((server, worked) -> true); // each learns its own state from its next call
            lastRefusal = null;
            LOG.info("Redis carries chat messages again");
        } catch (JedisException e) {
            LOG.log(Level.FINE, "Redis still failing", e);
        }
    }

    private void worksAgain() {
        if (Boolean.FALSE.equals(works.put(target, true))) {
            lastRefusal = null;
            LOG.info("Redis" + where() + " carries chat messages again");
        }
    }

    private void connectionFailed(JedisException e) {
        if (!Boolean.FALSE.equals(works.put(target, false))) {
            LOG.log(Level.WARNING, "Calling Redis" + where() + " failed (" + e.getMessage()
                    + "); posts are refused until it works again", e);
        }
    }

    /** In a Cluster, which primary a log line is about. */
    private String where() {
        return nodes.isCluster() ? " at " + target : "";
    }

    /** Redis answered, but would not do it: the node is not ready until a call works again. */
    private void refusal(JedisDataException e) {
        works.put(target, false);
        String kind = firstWord(e.getMessage());
        if (kind.equals("READONLY")) {
            nodes.primaryMayHaveMoved(); // a demoted primary: Sentinel has named another since
        }
        if (kind.equals(lastRefusal)) {
            refusalsSinceLogged++;
            return;
        }
        long repeats = refusalsSinceLogged;
        LOG.warning(() -> "Redis refuses chat messages: " + e.getMessage()
                + (repeats > 0 ? " (" + repeats + " refusals of the previous kind not logged)" : "")
                + "; this server reports not ready until Redis accepts them again");
        lastRefusal = kind;
        refusalsSinceLogged = 0;
    }

    private static String firstWord(String message) {
        String text = String.valueOf(message);
        int space = text.indexOf(' ');
        return space < 0 ? text : text.substring(0, space);
    }

    private static void failAll(List<? extends Call<?>> calls, String why) {
        calls.forEach(call -> call.fail(why));
    }

    /** A call waiting for Redis, and the stage its caller waits on. */
    private abstract static class Call<T> {
        final CompletableFuture<T> result = new CompletableFuture<>();

        abstract Response<Object> append(AbstractPipeline pipeline);

        /** The room the call is about, whose shard it goes to. */
        abstract RoomName room();

        /** Completes the stage from the script's reply; throws what the reply says went wrong. */
        abstract void answer(Object reply);

        void fail(String why) {
            result.completeExceptionally(new RelayUnavailableException(why));
        }
    }

    private final class PublishCall extends Call<ChatMessage> {
        private final ChatPost post;

        PublishCall(ChatPost post) {
            this.post = post;
        }

        @Override
        Response<Object> append(AbstractPipeline pipeline) {
            return scripts.publish(pipeline, post);
        }

        @Override
        RoomName room() {
            return post.room();
        }

        @Override
        void answer(Object reply) {
            result.complete(scripts.published(post, reply));
        }
    }

    private final class HistoryCall extends Call<History> {
        private final RoomName room;
        private final HistoryFilter filter;

        HistoryCall(RoomName room, HistoryFilter filter) {
            this.room = room;
            this.filter = filter;
        }

        @Override
        Response<Object> append(AbstractPipeline pipeline) {
            return scripts.history(pipeline, room, filter);
        }

        @Override
        RoomName room() {
            return room;
        }

        @Override
        void answer(Object reply) {
            result.complete(scripts.read(room, filter, reply));
        }
    }
}
