package org.chatrooms.socket;

import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.websocket.CloseReason;

import org.chatrooms.concurrent.OwnedThreads;
import org.chatrooms.metrics.ChatMetrics;
import org.chatrooms.presence.Member;
import org.chatrooms.presence.Presence;
import org.chatrooms.presence.PresenceEntry;
import org.chatrooms.protocol.ChatCodec;
import org.chatrooms.protocol.DisplayName;
import org.chatrooms.protocol.ProtocolException;
import org.chatrooms.protocol.ChatMessage;
import org.chatrooms.protocol.ChatPost;
import org.chatrooms.relay.History;
import org.chatrooms.relay.HistoryFilter;
import org.chatrooms.relay.Relay;
import org.chatrooms.relay.RelayListener;
import org.chatrooms.room.RoomName;

/**
 * This node's sockets as the socket layer sees them: admission during the handshake (before the 101), the rooms,
 * and the one way out, publishing to the relay. It is all the handshake filter, the configurator and the endpoint
 * may use of the running node; the application's lifecycle builds it and shuts it down. Thread-safe.
 *
 * <p>Threads: {@link #admit} runs on the handshake's container thread and may wait there, bounded, for the relay
 * (the room's subscription and its history) and the presence (the room's list, read meanwhile), as Django joins
 * the group before it accepts; while the relay is not ready it waits at most a second, so handshakes do not pile
 * up on request threads that pages and probes share. The node's
 * timer thread drops admitted sockets whose {@code @OnOpen} never came.
 */
public final class SocketHub {

    private static final Logger LOG = Logger.getLogger(SocketHub.class.getName());
    static final String CONTEXT_ATTRIBUTE = SocketHub.class.getName();
    /** How long a handshake may wait for the relay: first for the room's subscription, then for its history. */
    public static final Duration RELAY_WAIT = Duration.ofSeconds(5);
    /**
     * How long a handshake waits for the room's subscription while the relay is not ready: long enough for a node
     * that is just starting (its Redis connection comes up in milliseconds), short enough that handshakes do not
     * pile up on request threads, which pages and probes share, while Redis is away.
     */
    private static final Duration NOT_READY_WAIT = Duration.ofSeconds(1);
    /** How often the drain closes its next batch of sockets. */
    private static final Duration DRAIN_TICK = Duration.ofMillis(100);
    /** How long an admitted socket may wait for {@code @OnOpen} before it leaves its room again. */
    private static final Duration OPEN_DEADLINE = Duration.ofSeconds(10);

    private final ChatCodec codec;
    private final ChatMetrics metrics;
    private final Relay relay;
    private final Presence presence;
    private final LocalRooms rooms;
    private final OriginPolicy originPolicy;
    private final int historySize;
    private final ClientConnection.Limits sendLimits;
    private final int maxFrameChars;
    private final int rateLimit;
    private final int rateBurst;
    private final Duration drainWindow;
    private final SocketCaps caps;
    private final ClientAddress clientAddress;
    /** Sockets per client address; an address leaves the map with its last socket. */
    private final ConcurrentHashMap<String, Integer> perAddress = new ConcurrentHashMap<>();
    private final Executor closer;
    private final Executor pinger;
    private final ScheduledExecutorService timer;
    private volatile boolean closing;

    /**
     * @param closer runs socket closes, which can block on a stalled peer
     * @param pinger writes keepalive pings, which block likewise; apart from the closer, so a backlog of closes
     *               never holds up the pings of healthy sockets
     * @param timer  runs the open deadlines, the keepalive rounds and the drain's batches; its tasks never block
     */
    public SocketHub(Settings settings, Relay relay, Presence presence, ChatMetrics metrics, Executor closer,
                     Executor pinger,
                     ScheduledExecutorService timer) {
        this.codec = new ChatCodec(settings.maxMessageChars());
        this.metrics = metrics;
        this.relay = relay;
        this.presence = presence;
        this.rooms = new LocalRooms(relay, codec, metrics);
        metrics.watch(rooms::socketCount, rooms::roomCount);
        this.originPolicy = settings.originPolicy();
        this.historySize = settings.historySize();
        this.sendLimits = settings.sendLimits();
        this.maxFrameChars = settings.maxFrameChars();
        this.rateLimit = settings.rateLimit();
        this.rateBurst = settings.rateBurst();
        this.drainWindow = settings.drainWindow();
        this.caps = settings.caps();
        this.clientAddress = new ClientAddress(settings.trustedProxies());
        this.closer = closer;
        this.pinger = pinger;
        this.timer = timer;
        if (!settings.pingInterval().isZero()) {
            long every = settings.pingInterval().toNanos();
            timer.scheduleWithFixedDelay(() -> keepAlive(every), every, every, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * What the socket layer needs of the configuration.
     *
     * @param rateLimit messages per second per socket, 0 for no limit ({@link MessageRateLimit})
     * @param pingInterval how often each socket is pinged; one silent for two intervals is closed; zero for never
     * @param trustedProxies addresses of proxies whose {@code X-Forwarded-For} names the client
     * @param drainWindow the time over which a stopping node closes its sockets
     */
    public record Settings(int maxMessageChars, int maxFrameChars, ClientConnection.Limits sendLimits,
                           int historySize, int rateLimit, int rateBurst, Duration pingInterval,
                           OriginPolicy originPolicy, SocketCaps caps, List<String> trustedProxies,
                           Duration drainWindow) {
    }

    /** The relay's listener: this node's rooms. */
    public RelayListener relayListener() {
        return rooms;
    }

    /** The rooms this node has sockets in, for the presence's reaping of dead nodes. */
    public Collection<RoomName> hostedRooms() {
        return rooms.roomNames();
    }

    public void install(ServletContext context) {
        context.setAttribute(CONTEXT_ATTRIBUTE, this);
    }

    /** The hub of the web application {@code context} belongs to. */
    public static SocketHub of(ServletContext context) {
        SocketHub hub = (SocketHub) context.getAttribute(CONTEXT_ATTRIBUTE);
        if (hub == null) {
            throw new IllegalStateException("The chat node is not running (application starting or stopped)");
        }
        return hub;
    }

    /**
     * Joins a connecting client to its room before the container answers its handshake (docs/streams.md): the
     * returned socket receives every message the relay delivers from now on, after the history this client asked
     * for, and queues them until {@code @OnOpen} attaches the session.
     */
    public RoomSocket admit(RoomName room, Map<String, List<String>> queryParameters, String address) {
        return admit(room, queryParameters, address, null);
    }

    /**
     * Like {@link #admit(RoomName, Map, String)}, for a handshake that the container authenticated as
     * {@code principal} (may be null). The connection's name is the principal's (verified), else the query's
     * {@code user} (a guest; refused with an {@code invalid_name} frame, and {@code anonymous} used instead, when
     * it breaks the name rules or imitates a verified name present in the room), else {@code anonymous}. After
     * the history, the socket gets the room's presence list, itself included, and it counts in the presence.
     */
    public RoomSocket admit(RoomName room, Map<String, List<String>> queryParameters, String address,
                            Principal principal) {
        ResumeRequest resume = ResumeRequest.from(queryParameters);
        ClientConnection connection = new ClientConnection(sendLimits, closer, metrics);
        if (resume.problem() != null) {
            connection.send(codec.encodeError("invalid_position", resume.problem()));
        }
        RoomSocket socket = new RoomSocket(room, address, connection, codec, sendLimits.maxQueuedChars(), metrics);
        socket.rename(requestedName(queryParameters, principal, connection));
        if (address != null) {
            perAddress.merge(address, 1, Integer::sum);
        }
        CompletionStage<Void> subscribed = rooms.join(socket);
        try {
            HistoryFilter filter = resume.filter(historySize);
            if (!await(subscribed, room, "subscription", relay.isReady() ? RELAY_WAIT : NOT_READY_WAIT)) {
                connection.send(codec.encodeError("relay_unavailable",
                        "Chat is unavailable right now: messages to this room may not arrive. Try again shortly."));
                enterPresence(socket);
                socket.catchUpFailed(filter);
                return socket;
            }
            // Read before this socket counts, so that a guest's name can still be refused; the socket is added below.
            CompletionStage<List<PresenceEntry>> listed = presence.list(room);
            CompletionStage<History> history = relay.history(room, filter);
            String presenceFrame = null;
            if (await(listed, room, "presence list", RELAY_WAIT)) {
                List<PresenceEntry> present = listed.toCompletableFuture().join();
                rooms.noteVerified(room, present);
                Member name = socket.name();
                if (!name.verified() && !name.isAnonymous()) {
                    Optional<String> imitated = rooms.imitatedVerifiedName(room, name.user());
                    if (imitated.isPresent()) {
                        connection.send(codec.encodeError("invalid_name", imitationText(name.user(), imitated.get())));
                        socket.rename(Member.ANONYMOUS);
                    }
                }
                presenceFrame = presenceFrame(room, present, socket.name());
            }
            enterPresence(socket);
            if (await(history, room, "history", RELAY_WAIT)) {
                socket.catchUp(history.toCompletableFuture().join(), filter, presenceFrame);
            } else {
                socket.catchUpFailed(filter, presenceFrame);
            }
            return socket;
        } finally {
            // From now on the container writes the 101 and calls @OnOpen at once; the deadline counts from here.
            scheduleOpenDeadline(socket);
        }
    }

    /**
     * The connection now goes by {@code member} (a frame asked for another name): its presence follows, a leave
     * of the old name and a join of the new one, in that order.
     */
    public void rename(RoomSocket socket, Member member) {
        Member old = socket.name();
        if (old.equals(member)) {
            return;
        }
        socket.rename(member);
        if (socket.inPresence()) {
            presence.leave(socket.room(), old);
            presence.join(socket.room(), member);
        }
    }

    /**
     * Refuses a guest name that would pass for a verified name present in the room ({@code NameSkeleton}).
     *
     * @throws ProtocolException {@code invalid_name}, saying whom it imitates
     */
    public void checkGuestName(RoomName room, String guestName) throws ProtocolException {
        Optional<String> imitated = rooms.imitatedVerifiedName(room, guestName);
        if (imitated.isPresent()) {
            throw new ProtocolException("invalid_name", imitationText(guestName, imitated.get()));
        }
    }

    private static String imitationText(String guestName, String verifiedName) {
        return "The name \"" + guestName + "\" looks like \"" + verifiedName + "\", who is signed in and in this "
                + "room: choose another name.";
    }

    private void enterPresence(RoomSocket socket) {
        socket.enteredPresence();
        presence.join(socket.room(), socket.name());
    }

    private Member requestedName(Map<String, List<String>> queryParameters, Principal principal,
                                 ClientConnection connection) {
        Optional<DisplayName> authenticated = DisplayName.ofPrincipal(principal);
        if (authenticated.isPresent()) {
            return new Member(authenticated.get().value(), true);
        }
        List<String> asked = queryParameters == null ? null : queryParameters.get("user");
        if (asked == null || asked.isEmpty() || asked.get(0).isEmpty()) {
            return Member.ANONYMOUS;
        }
        try {
            return new Member(DisplayName.parse(asked.get(0)).value(), false);
        } catch (ProtocolException e) {
            connection.send(codec.encodeError(e.code(), e.getMessage() + " You are shown as anonymous."));
            return Member.ANONYMOUS;
        }
    }

    /** The presence list as a joining socket gets it: the members read, plus the socket itself. */
    private String presenceFrame(RoomName room, List<PresenceEntry> present, Member self) {
        List<ChatCodec.PresenceLine> lines = new ArrayList<>(present.size() + 1);
        boolean counted = false;
        for (PresenceEntry entry : present) {
            int connections = entry.connections();
            if (entry.member().equals(self)) {
                connections++;
                counted = true;
            }
            lines.add(new ChatCodec.PresenceLine(entry.user(), entry.verified(), connections,
                    entry.member().isAnonymous()));
        }
        if (!counted) {
            int at = 0;
            while (at < lines.size() && (lines.get(at).verified() && !self.verified()
                    || lines.get(at).verified() == self.verified() && lines.get(at).user().compareTo(self.user()) < 0)) {
                at++;
            }
            lines.add(at, new ChatCodec.PresenceLine(self.user(), self.verified(), 1, self.isAnonymous()));
        }
        return codec.encodePresence(room, lines);
    }

    /** Orders and distributes a post through the relay. */
    public CompletionStage<ChatMessage> publish(ChatPost post) {
        return relay.publish(post);
    }

    public void leave(RoomSocket socket) {
        if (!rooms.leave(socket)) {
            return;
        }
        if (socket.inPresence()) {
            presence.leave(socket.room(), socket.name());
        }
        if (socket.address() != null) {
            perAddress.computeIfPresent(socket.address(), (address, count) -> count > 1 ? count - 1 : null);
        }
    }

    /** The client's address for the per-address cap ({@link ClientAddress}). */
    public String clientAddress(HttpServletRequest request) {
        return clientAddress.of(request);
    }

    /** Why a handshake from {@code address} to {@code room} must be refused by a cap, if it must. */
    public Optional<SocketCaps.Refusal> refusal(RoomName room, String address) {
        return caps.check(rooms.socketCount(), perAddress.getOrDefault(address, 0), rooms.roomSize(room));
    }

    public ChatCodec codec() {
        return codec;
    }

    public ChatMetrics metrics() {
        return metrics;
    }

    public OriginPolicy originPolicy() {
        return originPolicy;
    }

    public int maxFrameChars() {
        return maxFrameChars;
    }

    /** A new socket's rate rule: each socket has its own. */
    public MessageRateLimit newRateLimit() {
        return MessageRateLimit.forSocket(rateLimit, rateBurst);
    }

    /** Whether the node is shutting down: sockets that open now are sent away at once. */
    public boolean isClosing() {
        return closing;
    }

    public int roomCount() {
        return rooms.roomCount();
    }

    /**
     * Drains with the configured window ({@code CHAT_DRAIN_SECONDS}), 1001 "Server shutting down". Called when the
     * application begins to stop, and again (then with nothing left to do) when the node closes.
     */
    public int drain() {
        return drain(new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "Server shutting down"),
                closing ? Duration.ZERO : drainWindow, OwnedThreads.STOP_TIMEOUT);
    }

    /**
     * Graceful drain: stops admitting (handshakes get 503, {@code /readyz} says not ready), then asks the sockets to
     * close with {@code reason} spread evenly over {@code window} (socket i of n at i × window / n, in batches on
     * the timer), so the survivors of a cluster see a ramp of reconnecting clients rather than a wall; clients
     * resume from their position, so nothing is lost. Sockets that open meanwhile are sent away at once. Waits
     * for the drain and then up to {@code grace} for the sockets to leave, so the peers' replies are handled while
     * the application still runs.
     *
     * @return the sockets asked to close
     */
    public int drain(CloseReason reason, Duration window, Duration grace) {
        closing = true;
        if (rooms.socketCount() == 0) {
            return 0;
        }
        List<RoomSocket> sockets = new ArrayList<>(rooms.allSockets());
        Collections.shuffle(sockets); // rooms then drain together rather than one after another
        CountDownLatch drained = new CountDownLatch(1);
        long n = sockets.size();
        long tick = DRAIN_TICK.toNanos();
        long batches = Math.max(1, Math.min(n, window.toNanos() / tick));
        for (long batch = 0; batch < batches; batch++) {
            int from = (int) (batch * n / batches);
            int to = (int) ((batch + 1) * n / batches);
            boolean last = batch == batches - 1;
            Runnable closeBatch = () -> {
                for (RoomSocket socket : sockets.subList(from, to)) {
                    socket.connection().close(reason);
                }
                if (last) {
                    drained.countDown();
                }
            };
            long at = batch * window.toNanos() / batches;
            try {
                timer.schedule(closeBatch, at, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException stopping) {
                closeBatch.run();
            }
        }
        try {
            if (!drained.await(window.plus(grace).toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warning(() -> "The drain did not finish within " + window.plus(grace) + "; closing the rest now");
                sockets.forEach(socket -> socket.connection().close(reason));
            }
            if (!rooms.awaitEmpty(grace)) {
                LOG.warning(() -> "Sockets still open " + grace + " after asking them to close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return sockets.size();
    }

    /**
     * Keepalive, on the timer thread once per interval for the whole node (not a task per socket): pings every open
     * socket, and closes one that has said nothing for two intervals although pinged, so within three intervals:
     * a peer gone without a word would otherwise hold its socket, and a load balancer its idle connection, forever.
     * Pings wait their turn like frames and are written on the pinger threads, so this thread never waits on a peer.
     */
    private void keepAlive(long intervalNanos) {
        try {
            long now = System.nanoTime();
            for (RoomSocket socket : rooms.allSockets()) {
                ClientConnection connection = socket.connection();
                if (!connection.isAttached()) {
                    continue;
                }
                if (connection.ignoredPing(now, intervalNanos)) {
                    connection.close(new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "No answer to pings"));
                } else {
                    connection.ping(pinger);
                }
            }
        } catch (RuntimeException e) {
            // A periodic task that throws is never run again: keepalive must survive anything.
            LOG.log(Level.SEVERE, "Keepalive round failed", e);
        }
    }

    private void scheduleOpenDeadline(RoomSocket socket) {
        Runnable expire = () -> {
            if (socket.expireUnopened()) {
                leave(socket);
            }
        };
        try {
            timer.schedule(expire, OPEN_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            // The node is stopping; the drain and the relay's close take care of every room.
        }
    }

    private static boolean await(CompletionStage<?> stage, RoomName room, String what, Duration timeout) {
        try {
            stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(Level.FINE, "Room " + room + ": no " + what + " from the relay in time", e);
        }
        return false;
    }
}
