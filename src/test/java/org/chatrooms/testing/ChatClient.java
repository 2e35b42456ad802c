package org.chatrooms.testing;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.json.Json;
import jakarta.json.JsonObject;

/**
 * A test's chat socket on the JDK's WebSocket client: frames are queued as they arrive and every wait has a
 * timeout, so a test fails with a message instead of hanging.
 */
public final class ChatClient implements AutoCloseable {

    public static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final WebSocket socket;
    private final Listener listener;
    /** What the server sent on joining, before live traffic: history messages and gap notices. */
    private final List<JsonObject> start = new ArrayList<>();
    /** The presence list the server sent on joining, after the history; null when none came. */
    private JsonObject joinPresence;

    private ChatClient(WebSocket socket, Listener listener) {
        this.socket = socket;
        this.listener = listener;
    }

    /** Connects to {@code <wsBase>ws/chat/<room>/} with a same-host Origin, as a browser on the page would. */
    public static ChatClient join(URI wsBase, String room) {
        return connect(wsBase.resolve("ws/chat/" + encode(room) + "/"), "http://" + wsBase.getAuthority());
    }

    /** Like {@link #join(URI, String)}, with the connection's name: {@code ?user=<name>}. */
    public static ChatClient join(URI wsBase, String room, String user) {
        return connect(wsBase.resolve("ws/chat/" + encode(room) + "/?user=" + encode(user)),
                "http://" + wsBase.getAuthority());
    }

    /** Like {@link #join(URI, String)}, resuming after {@code since} in {@code epoch} (null: the current one). */
    public static ChatClient resume(URI wsBase, String room, long since, String epoch) {
        String query = "?since=" + since + (epoch == null ? "" : "&epoch=" + epoch);
        return connect(wsBase.resolve("ws/chat/" + encode(room) + "/" + query), "http://" + wsBase.getAuthority());
    }

    /** Resumes after the position of {@code lastSeen}, a {@code chat.message} frame. */
    public static ChatClient resume(URI wsBase, String room, JsonObject lastSeen) {
        return resume(wsBase, room, lastSeen.getJsonNumber("id").longValue(), lastSeen.getString("epoch"));
    }

    /**
     * Connects and returns once the server has put the socket in its room. The handshake's 101 reaches the client
     * before the server's {@code @OnOpen} has run, so a message sent right after it could miss a socket still
     * joining; the server handles a socket's frames only after its {@code @OnOpen}, so one round trip (a frame
     * without a message, answered with an error frame to this client alone) proves the join is done.
     */
    public static ChatClient connect(URI uri, String origin) {
        return connect(uri, origin, Map.of());
    }

    /** Like {@link #connect(URI, String)}, with more handshake headers (e.g. {@code X-Forwarded-For}). */
    public static ChatClient connect(URI uri, String origin, Map<String, String> headers) {
        try {
            ChatClient client = connectAsync(uri, origin, headers).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            client.awaitJoined();
            return client;
        } catch (ExecutionException e) {
            throw new AssertionError("Handshake with " + uri + " failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("Handshake with " + uri + " did not finish in time", e);
        }
    }

    /**
     * Connects without the join round trip: returns as soon as the 101 arrived, as a browser's {@code open} event
     * fires. What the server guarantees from that moment on is what the join-gap test checks.
     */
    public static ChatClient connectUpgraded(URI uri, String origin) {
        return await(connectAsync(uri, origin), "handshake with " + uri);
    }

    public static CompletableFuture<ChatClient> connectAsync(URI uri, String origin) {
        return connectAsync(uri, origin, Map.of());
    }

    public static CompletableFuture<ChatClient> connectAsync(URI uri, String origin, Map<String, String> headers) {
        Listener listener = new Listener();
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(TIMEOUT);
        if (origin != null) {
            builder.header("Origin", origin);
        }
        headers.forEach(builder::header);
        return builder.buildAsync(uri, listener).thenApply(socket -> new ChatClient(socket, listener));
    }

    /** The HTTP status a refused handshake got (e.g. 403, 404). */
    public static int refusedStatus(URI uri, String origin) {
        return refusedStatus(uri, origin, Map.of());
    }

    public static int refusedStatus(URI uri, String origin, Map<String, String> headers) {
        try {
            connectAsync(uri, origin, headers).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).close();
            throw new AssertionError("Handshake with " + uri + " from " + origin + " was accepted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw new AssertionError("Handshake failed without an HTTP answer", e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("Handshake did not finish in time", e);
        }
    }

    public static String encode(String room) {
        return java.net.URLEncoder.encode(room, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * The join round trip (see {@link #connect}). What the server sent on joining (history messages and gap
     * notices, which it queues before anything live) goes to {@link #start()}; live frames that arrive before
     * the round trip's answer stay queued, in order.
     */
    private void awaitJoined() {
        sendRaw("{}");
        List<String> before = new ArrayList<>();
        while (true) {
            String frame = nextFrame();
            if (frame.contains("\"missing_message\"")) {
                break;
            }
            JsonObject parsed = parse(frame);
            if (before.isEmpty() && (parsed.getBoolean("history", false) || "gap".equals(parsed.getString("type", "")))) {
                start.add(parsed);
            } else {
                before.add(frame);
            }
        }
        for (int i = before.size() - 1; i >= 0; i--) {
            listener.frames.addFirst(before.get(i));
        }
        // Queued before the round trip's answer, so it is here by now when the server sent one.
        String first = listener.presence.peekFirst();
        if (first != null && "presence".equals(parse(first).getString("type", ""))) {
            joinPresence = parse(listener.presence.pollFirst());
        }
    }

    /**
     * The presence list ({@code "type": "presence"}) the server sent after the history on joining; fails when it
     * sent none. Presence frames ({@code presence}, {@code join}, {@code leave}) never reach {@link #next()}: they
     * have their own queue ({@link #nextPresence()}), so tests about messages see the same frames as before.
     */
    public JsonObject joinPresence() {
        if (joinPresence == null) {
            throw new AssertionError("No presence list on joining");
        }
        return joinPresence;
    }

    /** The next presence frame ({@code join}, {@code leave}, or a presence list); fails after {@link #TIMEOUT}. */
    public JsonObject nextPresence() {
        return nextPresence(TIMEOUT);
    }

    public JsonObject nextPresence(Duration timeout) {
        try {
            String frame = listener.presence.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (frame == null) {
                throw new AssertionError("No presence frame within " + timeout);
            }
            return parse(frame);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * Waits up to {@code timeout} for a presence frame of {@code type} about {@code user}, dropping the presence
     * frames before it; null when none came.
     */
    public JsonObject awaitPresence(String type, String user, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                String frame = listener.presence.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (frame == null) {
                    return null;
                }
                JsonObject parsed = parse(frame);
                if (type.equals(parsed.getString("type", "")) && user.equals(parsed.getString("user", ""))) {
                    return parsed;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Presence frames received and not yet taken, without waiting. */
    public List<JsonObject> pendingPresence() {
        List<String> drained = new ArrayList<>();
        listener.presence.drainTo(drained);
        return drained.stream().map(ChatClient::parse).toList();
    }

    /** The frames the server sent on joining: the room's history ({@code "history": true}) and gap notices. */
    public List<JsonObject> start() {
        return List.copyOf(start);
    }

    /** The texts of the history messages this client was sent on joining, oldest first. */
    public List<String> historyTexts() {
        return start.stream().filter(frame -> frame.getBoolean("history", false))
                .map(frame -> frame.getString("message")).toList();
    }

    private static JsonObject parse(String frame) {
        try (var reader = Json.createReader(new StringReader(frame))) {
            return reader.readObject();
        }
    }

    /** Sends {@code {"message": text}}. */
    public ChatClient say(String text) {
        return sendRaw(Json.createObjectBuilder().add("message", text).build().toString());
    }

    /** Sends a message with a client id, marked as a resend or not (the page's frame, without {@code user}). */
    public ChatClient post(String text, String cid, boolean resend) {
        return sendRaw(jakarta.json.Json.createObjectBuilder().add("message", text).add("cid", cid)
                .add("resend", resend).build().toString());
    }

    public ChatClient sendRaw(String frame) {
        await(socket.sendText(frame, true), "send");
        return this;
    }

    public ChatClient sendBinary(byte[] bytes) {
        await(socket.sendBinary(ByteBuffer.wrap(bytes), true), "send binary");
        return this;
    }

    /** The next frame, parsed; fails after {@link #TIMEOUT}. */
    public JsonObject next() {
        return parse(nextFrame());
    }

    private String nextFrame() {
        try {
            String frame = listener.frames.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (frame == null) {
                throw new AssertionError("No frame within " + TIMEOUT + (listener.closed.isDone()
                        ? "; socket closed with " + listener.closed.getNow(null) : ""));
            }
            return frame;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The next {@code count} frames. */
    public List<JsonObject> next(int count) {
        List<JsonObject> frames = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            frames.add(next());
        }
        return frames;
    }

    /** The next chat message, skipping nothing: fails if the next frame is of another type. */
    public JsonObject nextChat() {
        JsonObject frame = next();
        if (!"chat.message".equals(frame.getString("type", null))) {
            throw new AssertionError("Expected a chat message, got " + frame);
        }
        return frame;
    }

    /**
     * Waits up to {@code timeout} for a chat message (live or from the history) with this text, dropping the
     * frames before it; false when none came.
     */
    public boolean awaitChat(String text, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                String frame = listener.frames.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (frame == null) {
                    return false;
                }
                JsonObject parsed = parse(frame);
                if ("chat.message".equals(parsed.getString("type", null)) && text.equals(parsed.getString("message"))) {
                    return true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Frames already received and not yet taken, without waiting. */
    public List<String> pending() {
        List<String> drained = new ArrayList<>();
        listener.frames.drainTo(drained);
        return drained;
    }

    /** The close code and reason the server sent, e.g. {@code 1009 ...}; fails if it does not close in time. */
    public CloseStatus awaitClose() {
        return awaitClose(TIMEOUT);
    }

    /** Like {@link #awaitClose()}, for a close that may take longer, e.g. an undeploy the server polls for. */
    public CloseStatus awaitClose(Duration timeout) {
        return await(listener.closed, "close", timeout);
    }

    /** Completes when the server closed the socket (or the connection broke). */
    public CompletionStage<CloseStatus> closed() {
        return listener.closed;
    }

    public boolean isClosed() {
        return listener.closed.isDone();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        socket.abort();
    }

    private static <T> T await(CompletionStage<T> stage, String what) {
        return await(stage, what, TIMEOUT);
    }

    private static <T> T await(CompletionStage<T> stage, String what, Duration timeout) {
        try {
            return stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError(what + " failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError(what + " did not finish within " + timeout, e);
        }
    }

    public record CloseStatus(int code, String reason) {
    }

    /** Collects whole text frames; the JDK client may split one frame into several parts. */
    private static final class Listener implements WebSocket.Listener {
        final BlockingDeque<String> frames = new LinkedBlockingDeque<>();
        final BlockingDeque<String> presence = new LinkedBlockingDeque<>();
        final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String frame = partial.toString();
                (isPresence(frame) ? presence : frames).add(frame);
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        private static boolean isPresence(String frame) {
            if (!frame.contains("\"presence\"") && !frame.contains("\"join\"") && !frame.contains("\"leave\"")) {
                return false;
            }
            try {
                String type = parse(frame).getString("type", "");
                return type.equals("presence") || type.equals("join") || type.equals("leave");
            } catch (RuntimeException e) {
                return false;
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(new CloseStatus(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(new CloseStatus(1006, String.valueOf(error)));
        }
    }
}
