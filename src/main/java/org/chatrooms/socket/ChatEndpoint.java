package org.chatrooms.socket;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;

import org.chatrooms.metrics.ChatMetrics;
import org.chatrooms.presence.Member;
import org.chatrooms.protocol.ChatPost;
import org.chatrooms.protocol.ClientMessage;
import org.chatrooms.protocol.DisplayName;
import org.chatrooms.protocol.ProtocolException;
import org.chatrooms.relay.RelayUnavailableException;
import org.chatrooms.relay.RepeatedPostException;
import org.chatrooms.room.RoomName;

/**
 * One chat socket: {@code ws(s)://host/<context>/ws/chat/<room>/}, with or without the trailing slash.
 *
 * <p>The endpoint only validates and publishes to the relay; it never writes to other sockets. Everything a
 * client receives, its own echo included, comes back through the relay and {@link LocalRooms}, and is written
 * by the client's {@link ClientConnection}. The client joined its room during the handshake
 * ({@link ChatEndpointConfigurator#modifyHandshake}); {@code @OnOpen} only attaches the session to it. Container
 * threads call these methods one at a time per socket.
 */
@ServerEndpoint(value = ChatPaths.SOCKET_TEMPLATE, configurator = ChatEndpointConfigurator.class)
public class ChatEndpoint {

    private static final Logger LOG = Logger.getLogger(ChatEndpoint.class.getName());
    /**
     * Tomcat gives the close frame of a connection it fails (invalid UTF-8: 1007) only 50 ms by default, including
     * the wait for a frame of ours whose write just completed (every socket gets its presence list at once); on a
     * busy machine the close frame was then dropped (1006). A quarter of a second: short enough that closes to
     * stalled peers (which also count as abnormal) still hold a closer thread only briefly; other containers
     * ignore the property.
     */
    private static final String TOMCAT_ABNORMAL_CLOSE_SEND_TIMEOUT =
            "org.apache.tomcat.websocket.ABNORMAL_SESSION_CLOSE_SEND_TIMEOUT";
    private static final Long ABNORMAL_CLOSE_SEND_MILLIS = 250L;
    /** Whether a socket opened without being admitted during its handshake; said once per deployment. */
    private static final AtomicBoolean ADMISSION_MISSED = new AtomicBoolean();

    private final SocketHub hub;
    private final FrameAssembler frames;
    private final MessageRateLimit rate;
    private RoomSocket socket;

    public ChatEndpoint(SocketHub hub) {
        this.hub = hub;
        this.frames = new FrameAssembler(hub.maxFrameChars());
        this.rate = hub.newRateLimit();
    }

    @OnOpen
    public void open(Session session, @PathParam("room") String roomName) throws IOException {
        var room = RoomName.parse(roomName);
        if (room.isEmpty()) {
            // The handshake filter answers 404 first; this guards containers that route around it.
            session.close(new CloseReason(CloseCodes.VIOLATED_POLICY, "Not a room name"));
            return;
        }
        RoomSocket admitted = (RoomSocket) session.getUserProperties().get(ChatEndpointConfigurator.ADMITTED);
        if (hub.isClosing()) {
            if (admitted != null) {
                hub.leave(admitted);
            }
            session.close(new CloseReason(CloseCodes.GOING_AWAY, "Server shutting down"));
            return;
        }
        if (admitted == null || !admitted.room().equals(room.get())) {
            // The container skipped modifyHandshake, or read the path differently: join now, later than promised.
            if (ADMISSION_MISSED.compareAndSet(false, true)) {
                LOG.warning("This server did not hand the handshake's user properties to the session: sockets "
                        + "join their room only after the 101, and may miss a message sent at that moment");
            }
            if (admitted != null) {
                hub.leave(admitted);
            }
            admitted = hub.admit(room.get(), session.getRequestParameterMap(), null, session.getUserPrincipal());
        }
        if (!admitted.open(ClientConnection.Peer.of(session))) {
            session.close(new CloseReason(CloseCodes.TRY_AGAIN_LATER, "The handshake took too long; reconnect"));
            return;
        }
        socket = admitted;
        session.getUserProperties().put(TOMCAT_ABNORMAL_CLOSE_SEND_TIMEOUT, ABNORMAL_CLOSE_SEND_MILLIS);
        if (hub.isClosing()) {
            // Shutdown began while this socket joined: its list of sockets to close may have missed this one.
            socket.connection().close(new CloseReason(CloseCodes.GOING_AWAY, "Server shutting down"));
        }
    }

    /** Text arrives in parts when it is longer than the container's buffer ({@link FrameAssembler} says why). */
    @OnMessage
    public void onText(String part, boolean last, Session session) {
        if (socket == null) {
            return;
        }
        socket.connection().heard(System.nanoTime());
        String frame;
        try {
            frame = frames.add(part, last);
        } catch (FrameAssembler.FrameTooLongException e) {
            socket.connection().close(new CloseReason(CloseCodes.TOO_BIG, e.getMessage()));
            return;
        }
        if (frame != null) {
            onFrame(frame, session);
        }
    }

    private void onFrame(String frame, Session session) {
        long received = System.nanoTime();
        ChatMetrics metrics = hub.metrics();
        metrics.messageReceived();
        ClientConnection client = socket.connection();
        // Before parsing: a flood of invalid frames, each answered with an error, is a flood too.
        MessageRateLimit.Verdict verdict = rate.check(System.nanoTime());
        if (verdict == MessageRateLimit.Verdict.CLOSE) {
            client.close(new CloseReason(CloseCodes.VIOLATED_POLICY, "Sending too fast for too long"));
            return;
        }
        if (verdict == MessageRateLimit.Verdict.REFUSE) {
            metrics.messageRefused("rate_limited");
            client.send(hub.codec().encodeError("rate_limited", "You are sending too fast: this message was not "
                    + "sent. Slow down and send it again.", clientIdOf(frame)));
            return;
        }
        ChatPost post;
        try {
            ClientMessage incoming = hub.codec().parseClientMessage(frame);
            try {
                Member name = senderName(session, incoming.requestedUser());
                post = new ChatPost(socket.room(), name.user(), incoming.text(), incoming.clientId(), name.verified(),
                        incoming.resend());
            } catch (ProtocolException e) {
                throw e.about(incoming.clientId());
            }
        } catch (ProtocolException e) {
            metrics.messageRefused(e.code());
            client.send(hub.codec().encodeError(e));
            return;
        }
        hub.publish(post).whenComplete((message, failure) -> {
            if (unwrap(failure) instanceof RepeatedPostException repeat) {
                // A resend the room has: its original is awaited as this post's echo (this socket gets it from its
                // resumed catch-up, or had it), and reported as not delivered if the stream passes it without,
                // e.g. a failover that lost it after all.
                metrics.messageRefused("repeat");
                socket.numbered(repeat.original());
            } else if (failure != null) {
                metrics.messageRefused("not_delivered");
                client.send(hub.codec().encodeError("not_delivered", notDeliveredText(failure), post.clientId()));
            } else {
                metrics.messagePublished(System.nanoTime() - received);
                socket.numbered(message); // its echo is awaited: a message lost after this is reported
            }
        });
    }

    /**
     * Who a frame is sent as. The handshake's principal, when the container authenticated the user, beats any
     * requested name (verified). A guest's frame without {@code user} goes under the connection's name; one with
     * another name goes under that name, and the connection's presence follows it (a leave, then a join), unless
     * the name breaks the rules or imitates a verified name present in the room.
     */
    private Member senderName(Session session, String requested) throws ProtocolException {
        var principal = DisplayName.ofPrincipal(session.getUserPrincipal());
        if (principal.isPresent()) {
            return new Member(principal.get().value(), true);
        }
        Member current = socket.name();
        if (requested == null || requested.isEmpty() || (!current.verified() && requested.equals(current.user()))) {
            return current;
        }
        Member asked = new Member(DisplayName.parse(requested).value(), false);
        if (!asked.isAnonymous()) {
            hub.checkGuestName(socket.room(), asked.user());
        }
        hub.rename(socket, asked);
        return asked;
    }

    /** The frame's client id, so a refusal names the message; null when it has none or is not readable. */
    private String clientIdOf(String frame) {
        try {
            return hub.codec().parseClientMessage(frame).clientId();
        } catch (ProtocolException e) {
            return e.clientId();
        }
    }

    /** The answer to a keepalive ping: the client is there. */
    @OnMessage
    public void onPong(PongMessage pong) {
        if (socket != null) {
            socket.connection().heard(System.nanoTime());
        }
    }

    /** Binary is refused at its first part, so the container's binary buffer can stay tiny. */
    @OnMessage
    public void onBinary(ByteBuffer ignored, boolean last, Session session) {
        CloseReason reason = new CloseReason(CloseCodes.CANNOT_ACCEPT, "Binary frames are not supported; send JSON text");
        if (socket != null) {
            socket.connection().close(reason);
        } else {
            closeQuietly(session, reason);
        }
    }

    @OnClose
    public void onClose(Session session, CloseReason reason) {
        hub.metrics().socketClosed(reason.getCloseCode().getCode());
        leaveRoom();
    }

    @OnError
    public void onError(Session session, Throwable error) {
        if (isClientGone(error)) {
            LOG.log(Level.FINE, "Client " + session.getId() + " went away", error);
        } else {
            LOG.log(Level.WARNING, "Error on chat socket " + session.getId()
                    + (socket != null ? " in room " + socket.room() : ""), error);
        }
        leaveRoom();
    }

    private void leaveRoom() {
        if (socket != null) {
            hub.leave(socket);
        }
    }

    /** A stage's failure as the relay raised it, outside the {@link CompletionException} a later stage wraps it in. */
    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    private static String notDeliveredText(Throwable failure) {
        Throwable cause = unwrap(failure);
        String why = cause instanceof RelayUnavailableException ? cause.getMessage() : "internal error";
        return "Message not delivered (" + why + "). Please send it again.";
    }

    /**
     * Peers that vanish (reset, broken pipe, stalled past the write timeout) are routine, not server errors. The
     * classes are resolved here, at class initialisation: a peer's late close can call {@link #onError} after the
     * application stopped, when its class loader refuses to load anything more.
     */
    private static final List<Class<? extends Throwable>> CLIENT_GONE = List.of(
            EOFException.class, ClosedChannelException.class, SocketTimeoutException.class);

    private static boolean isClientGone(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            Throwable cause = t;
            String message = String.valueOf(t.getMessage());
            if (CLIENT_GONE.stream().anyMatch(type -> type.isInstance(cause))
                    || (t instanceof IOException && (message.contains("Broken pipe")
                    || message.contains("Connection reset")))) {
                return true;
            }
        }
        return false;
    }

    private static void closeQuietly(Session session, CloseReason reason) {
        try {
            session.close(reason);
        } catch (IOException ignored) {
            // best effort: the connection is already gone
        }
    }
}
