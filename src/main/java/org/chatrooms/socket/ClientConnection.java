package org.chatrooms.socket;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;

/**
 * One browser's socket and the frames waiting for it.
 *
 * <p>Threads: {@link #send} is called from any thread (the relay's dispatch thread for chat frames, container
 * threads for error frames). At most one asynchronous write is in flight: whoever finds the socket idle starts
 * it, and the write's completion handler (a container thread) starts the next. The queue is guarded by
 * {@code this}; the socket is written outside that lock, so a sender never waits on a slow peer.
 *
 * <p>Backpressure: when {@code maxQueuedFrames} frames are already waiting, the client cannot keep up; it is
 * closed with 1013 (try again later) instead of growing memory, and the frames are dropped for it alone.
 * Closing may block on the container's close handshake, so it runs on {@code closer}, never on the caller.
 */
public final class ClientConnection {

    private static final Logger LOG = Logger.getLogger(ClientConnection.class.getName());

    private final Peer peer;
    private final int maxQueuedFrames;
    private final Executor closer;
    private final ArrayDeque<String> queue = new ArrayDeque<>();
    private boolean writing;
    private boolean closing;

    /** The far end of a connection: the container's {@link Session}, or a test's stand-in. */
    public interface Peer {
        String id();

        /** Starts an asynchronous write; {@code done} is called once when it finished or failed. */
        void sendText(String frame, SendHandler done);

        void close(CloseReason reason) throws IOException;

        /** Writes that a peer leaves unread this long fail, and the socket is dropped (see {@link #onWritten}). */
        long SEND_TIMEOUT_MILLIS = 30_000;

        static Peer of(Session session) {
            session.getAsyncRemote().setSendTimeout(SEND_TIMEOUT_MILLIS);
            return new Peer() {
                @Override
                public String id() {
                    return session.getId();
                }

                @Override
                public void sendText(String frame, SendHandler done) {
                    session.getAsyncRemote().sendText(frame, done);
                }

                @Override
                public void close(CloseReason reason) throws IOException {
                    session.close(reason);
                }
            };
        }
    }

    public ClientConnection(Peer peer, int maxQueuedFrames, Executor closer) {
        this.peer = peer;
        this.maxQueuedFrames = maxQueuedFrames;
        this.closer = closer;
    }

    public String id() {
        return peer.id();
    }

    /** Queues a frame for this client; never blocks. Frames of one caller arrive in the order sent. */
    public void send(String frame) {
        boolean overflowed = false;
        synchronized (this) {
            if (closing) {
                return;
            }
            if (!writing) {
                writing = true;
            } else if (queue.size() < maxQueuedFrames) {
                queue.addLast(frame);
                return;
            } else {
                overflowed = true;
            }
        }
        if (overflowed) {
            LOG.fine(() -> "Closing slow client " + id() + ": " + maxQueuedFrames + " frames waiting");
            close(new CloseReason(CloseCodes.TRY_AGAIN_LATER, "Too slow: messages were piling up"));
        } else {
            write(frame);
        }
    }

    /** Closes this client from another thread, without waiting; used for shutdown and slow clients. */
    public void close(CloseReason reason) {
        synchronized (this) {
            closing = true;
            queue.clear();
        }
        Runnable closeIt = () -> {
            try {
                peer.close(reason);
            } catch (IOException | IllegalStateException e) {
                LOG.log(Level.FINE, "Close of " + id() + " failed; the connection is gone already", e);
            }
        };
        try {
            closer.execute(closeIt);
        } catch (RejectedExecutionException e) {
            closeIt.run(); // the node has stopped its closer: nothing else is waiting on this thread any more
        }
    }

    private void write(String frame) {
        try {
            peer.sendText(frame, this::onWritten);
        } catch (IllegalStateException e) {
            // The session closed under us; its onClose removes it from its room.
            LOG.log(Level.FINE, "Dropping frames for closed session " + id(), e);
            markGone();
        } catch (RuntimeException e) {
            // Whatever else the container throws, this socket alone stops receiving, and the caller (the relay's
            // dispatch thread, serving every room) goes on.
            LOG.log(Level.WARNING, "Write to " + id() + " failed; dropping this socket's frames", e);
            markGone();
            close(new CloseReason(CloseCodes.UNEXPECTED_CONDITION, "Server could not write to this socket"));
        }
    }

    private void onWritten(SendResult result) {
        if (!result.isOK()) {
            LOG.log(Level.FINE, "Write to " + id() + " failed", result.getException());
            markGone();
            return;
        }
        String next;
        synchronized (this) {
            next = closing ? null : queue.pollFirst();
            if (next == null) {
                writing = false;
            }
        }
        if (next != null) {
            write(next);
        }
    }

    private synchronized void markGone() {
        closing = true;
        writing = false;
        queue.clear();
    }
}
