package org.chatrooms.socket;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;

import org.chatrooms.app.ChatNode;
import org.chatrooms.protocol.ChatPost;
import org.chatrooms.protocol.ClientMessage;
import org.chatrooms.protocol.DisplayName;
import org.chatrooms.protocol.ProtocolException;
import org.chatrooms.relay.RelayUnavailableException;
import org.chatrooms.room.RoomName;

/**
 * One chat socket: {@code ws(s)://host/<context>/ws/chat/<room>/}, with or without the trailing slash.
 *
 * <p>The endpoint only validates and publishes to the relay; it never writes to other sockets. Everything a
 * client receives, its own echo included, comes back through the relay and {@link LocalRooms}, and is written
 * by the client's {@link ClientConnection}. Container threads call these methods one at a time per socket.
 */
@ServerEndpoint(value = ChatPaths.SOCKET_TEMPLATE, configurator = ChatEndpointConfigurator.class)
public class ChatEndpoint {

    private static final Logger LOG = Logger.getLogger(ChatEndpoint.class.getName());
    static final String ANONYMOUS = DisplayName.ANONYMOUS.value();
    /**
     * How long {@code @OnOpen} waits for the relay to deliver the room here. Short: the handshake filter already
     * waited up to {@link ChatNode#JOIN_TIMEOUT} for the same subscription before the upgrade.
     */
    private static final long JOIN_GRACE_MILLIS = 1000;

    private final ChatNode node;
    private final FrameAssembler frames;
    private RoomName room;
    private ClientConnection client;

    public ChatEndpoint(ChatNode node) {
        this.node = node;
        this.frames = new FrameAssembler(node.config().maxFrameChars());
    }

    @OnOpen
    public void open(Session session, @PathParam("room") String roomName) throws IOException {
        var parsed = RoomName.parse(roomName);
        if (parsed.isEmpty()) {
            // The handshake filter answers 404 first; this guards containers that route around it.
            session.close(new CloseReason(CloseCodes.VIOLATED_POLICY, "Not a room name"));
            return;
        }
        if (node.isClosing()) {
            session.close(new CloseReason(CloseCodes.GOING_AWAY, "Server shutting down"));
            return;
        }
        room = parsed.get();
        client = node.connect(session);
        try {
            node.rooms().join(room, client).toCompletableFuture().get(JOIN_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warning(() -> "Room " + room + " is not relayed to this node yet: " + e);
            client.send(node.codec().encodeError("relay_unavailable",
                    "Chat is unavailable right now: messages to this room may not arrive. Try again shortly."));
        }
        if (node.isClosing()) {
            // Shutdown began while this socket joined: its list of sockets to close may have missed this one.
            client.close(new CloseReason(CloseCodes.GOING_AWAY, "Server shutting down"));
        }
    }

    /** Text arrives in parts when it is longer than the container's buffer ({@link FrameAssembler} says why). */
    @OnMessage
    public void onText(String part, boolean last, Session session) {
        if (client == null) {
            return;
        }
        String frame;
        try {
            frame = frames.add(part, last);
        } catch (FrameAssembler.FrameTooLongException e) {
            client.close(new CloseReason(CloseCodes.TOO_BIG, e.getMessage()));
            return;
        }
        if (frame != null) {
            onFrame(frame, session);
        }
    }

    private void onFrame(String frame, Session session) {
        ChatPost post;
        try {
            ClientMessage incoming = node.codec().parseClientMessage(frame);
            // The handshake's principal, when the container authenticated the user, beats any requested name.
            DisplayName user = DisplayName.forSender(session.getUserPrincipal(), incoming.requestedUser());
            post = new ChatPost(room, user.value(), incoming.text());
        } catch (ProtocolException e) {
            client.send(node.codec().encodeError(e));
            return;
        }
        node.relay().publish(post).whenComplete((message, failure) -> {
            if (failure != null) {
                client.send(node.codec().encodeError("not_delivered", notDeliveredText(failure)));
            }
        });
    }

    /** Binary is refused at its first part, so the container's binary buffer can stay tiny. */
    @OnMessage
    public void onBinary(ByteBuffer ignored, boolean last, Session session) {
        CloseReason reason = new CloseReason(CloseCodes.CANNOT_ACCEPT, "Binary frames are not supported; send JSON text");
        if (client != null) {
            client.close(reason);
        } else {
            closeQuietly(session, reason);
        }
    }

    @OnClose
    public void onClose(Session session, CloseReason reason) {
        leaveRoom();
    }

    @OnError
    public void onError(Session session, Throwable error) {
        if (isClientGone(error)) {
            LOG.log(Level.FINE, "Client " + session.getId() + " went away", error);
        } else {
            LOG.log(Level.WARNING, "Error on chat socket " + session.getId() + " in room " + room, error);
        }
        leaveRoom();
    }

    private void leaveRoom() {
        if (client != null) {
            node.rooms().leave(room, client);
        }
    }

    private static String notDeliveredText(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
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
