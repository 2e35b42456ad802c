package org.chatrooms.relay.redis;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.chatrooms.protocol.ChatMessage;
import org.chatrooms.protocol.ChatPost;
import org.chatrooms.relay.History;
import org.chatrooms.relay.HistoryFilter;
import org.chatrooms.relay.RelayUnavailableException;
import org.chatrooms.relay.RepeatedPostException;
import org.chatrooms.relay.StreamRetention;
import org.chatrooms.room.RoomName;
import org.chatrooms.room.StreamPosition;

import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * The two Lua scripts of a room's stream, {@code publish.lua} and {@code history.lua} (resources beside this
 * class, each preceded by {@code stream-epoch.lua}), and how to call them and read their replies. Stateless and
 * thread-safe.
 */
final class StreamScripts {

    static final LuaScript PUBLISH = LuaScript.of(StreamScripts.class, "stream-epoch.lua", "publish.lua");
    static final LuaScript HISTORY = LuaScript.of(StreamScripts.class, "stream-epoch.lua", "history.lua");

    private final RedisKeys keys;
    private final StreamRetention retention;
    private final EpochRotations rotations;
    /** Cluster: rooms' channels are sharded (SPUBLISH, PUBSUB SHARDNUMSUB); else classic (PUBLISH, NUMSUB). */
    private final boolean sharded;

    StreamScripts(RedisKeys keys, StreamRetention retention, EpochRotations rotations, boolean sharded) {
        this.keys = keys;
        this.retention = retention;
        this.rotations = rotations;
        this.sharded = sharded;
    }


    /**
     * Loads both scripts into the script cache of the Redis that holds {@code room} (in a Cluster, its shard),
     * which starts empty after every Redis restart or failover.
     */
    void load(UnifiedJedis client, RoomName room) {
        String sampleKey = keys.roomStream(room);
        client.scriptLoad(PUBLISH.text(), sampleKey);
        client.scriptLoad(HISTORY.text(), sampleKey);
    }

    Response<Object> publish(AbstractPipeline pipeline, ChatPost post) {
        RoomName room = post.room();
        List<String> args = new ArrayList<>(9);
        args.addAll(List.of(keys.roomChannel(room), RedisPayload.unnumbered(post),
                Integer.toString(retention.historySize()), ttlMillis(), sharded ? "1" : "0"));
        if (post.resend()) {
            args.addAll(List.of(post.user(), post.clientId(), post.verified() ? "1" : "0",
                    RedisPayload.clientIdMember(post.clientId())));
        }
        return pipeline.evalsha(PUBLISH.sha(), List.of(keys.roomStream(room), keys.roomHistory(room)), args);
    }

    Response<Object> history(AbstractPipeline pipeline, RoomName room, HistoryFilter filter) {
        return pipeline.evalsha(HISTORY.sha(), List.of(keys.roomStream(room), keys.roomHistory(room)),
                historyArgs(filter));
    }

    /**
     * Reads a room's history at once, on the calling thread (the dispatch thread catching up); loads the script
     * when Redis lacks it. Throws a Jedis exception when Redis cannot be reached.
     */
    History readNow(UnifiedJedis client, RoomName room, HistoryFilter filter) {
        List<String> keyNames = List.of(keys.roomStream(room), keys.roomHistory(room));
        List<String> args = historyArgs(filter);
        Object reply;
        try {
            reply = client.evalsha(HISTORY.sha(), keyNames, args);
        } catch (JedisNoScriptException e) {
            reply = client.eval(HISTORY.text(), keyNames, args);
        }
        return read(room, filter, reply);
    }

    /**
     * A write as small as a post's, to learn whether Redis carries posts again: a refusing Redis (out of memory,
     * a read-only replica) still answers {@code PING}. Throws a Jedis exception while it fails.
     */
    void probe(UnifiedJedis client) {
        client.psetex(keys.probe(), 10_000, "1");
    }

    /** A key of the room, to route its calls by (in a Cluster, the room's slot). */
    String sampleKey(RoomName room) {
        return keys.roomStream(room);
    }

    /**
     * The message as the publish script numbered it.
     *
     * @throws RepeatedPostException for a resend the history held
     * @throws RelayUnavailableException when no server subscribes to the room
     */
    ChatMessage published(ChatPost post, Object reply) {
        if (reply instanceof List<?> fields && fields.size() == 2 && "repeat".equals(text(fields.get(0)))) {
            throw new RepeatedPostException(RedisPayload.decode(post.room(), text(fields.get(1))));
        }
        if (reply instanceof List<?> fields && fields.size() == 4) {
            StreamPosition position = new StreamPosition(text(fields.get(2)), (Long) fields.get(0));
            noteRotation(post.room(), fields.get(3));
            return ChatMessage.of(post, position, Instant.ofEpochMilli((Long) fields.get(1)));
        }
        throw new RelayUnavailableException("no server is connected to room " + post.room());
    }

    /** The history as the history script read it. */
    History read(RoomName room, HistoryFilter filter, Object reply) {
        if (!(reply instanceof List<?> fields) || fields.size() != 5) {
            throw new IllegalStateException("unexpected history reply " + reply);
        }
        StreamPosition top = new StreamPosition(text(fields.get(0)), (Long) fields.get(1));
        long firstHeld = (Long) fields.get(2);
        List<ChatMessage> messages = new ArrayList<>();
        for (Object entry : (List<?>) fields.get(4)) {
            messages.add(RedisPayload.decode(room, text(entry)));
        }
        noteRotation(room, fields.get(3));
        return new History(top, messages, History.slice(top, firstHeld, filter).complete());
    }

    private void noteRotation(RoomName room, Object rotated) {
        if (Long.valueOf(1).equals(rotated)) {
            rotations.record(room);
        }
    }

    private List<String> historyArgs(HistoryFilter filter) {
        return List.of(filter.sinceEpoch().orElse(""), Long.toString(filter.sinceId().orElse(-1L)),
                Integer.toString(filter.limit()), ttlMillis());
    }

    private String ttlMillis() {
        return Long.toString(retention.idleTtl().toMillis());
    }

    private static String text(Object value) {
        return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : (String) value;
    }


}
