package org.chatrooms.socket;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;

import org.chatrooms.metrics.ChatMetrics;

/**
 * One browser's socket and the frames waiting for it.
 *
 * <p>A connection exists before its socket does: the handshake creates it (and queues the room's history on it)
 * before the container sends the 101, and {@code @OnOpen} {@link #attach attaches} the container's session. Until
 * then frames only queue.
 *
 * <p>Threads: {@link #send} is called from any thread (the relay's dispatch thread for chat frames, container
 * threads for error and history frames). At most one asynchronous write is in flight: whoever finds the socket
 * idle starts it, and the write's completion handler (a container thread) starts the next. The queue is guarded
 * by {@code this}; the socket is written outside that lock, so a sender never waits on a slow peer.
 *
 * <p>Backpressure, the slow-client rule ({@link Limits}): a client is too slow when the frames waiting for it hold
 * more than {@code maxQueuedChars} characters, or the oldest of them has waited longer than {@code maxWait}. A
 * healthy reader drains a burst long before either (bursts are what the byte rule allows, unlike a frame count);
 * a stalled one costs bounded memory. It is closed with 1013 (try again later) and the frames are dropped for it
 * alone; it resumes from its position when it reconnects. Closing may block on the container's close handshake, so
 * it runs on {@code closer}, never on the caller.
 */
public final class ClientConnection {

    private static final Logger LOG = Logger.getLogger(ClientConnection.class.getName());

    private final Limits limits;
    private final Executor closer;
    private final ChatMetrics metrics;
    private final SendQueue queue = new SendQueue();
    /** Null until attached; written once under {@code this}, read by the writing thread. */
    private volatile Peer peer;
    /** A write is in flight, or a thread is in {@link #writeFrom}: that thread or the completion writes next. */
    private boolean writing;
    /** The writing thread is inside a container send call; a completion meanwhile only says so (see below). */
    private boolean sending;
    private boolean completedWhileSending;
    private boolean closing;
    /** When the last ping was written (0: never); the keepalive judges silence against it. */
    private volatile long pingWrittenNanos;
    /** A close asked for before the session existed, carried out when it is attached. */
    private CloseReason closeOnAttach;
    /** When the peer last showed it is there (a frame, a pong, the open); any thread reads it. */
    private volatile long lastHeardNanos = System.nanoTime();
    /**
     * Stands for a ping in the queue, compared by identity: a ping waits its turn like any frame, so the socket
     * still has one writer at a time.
     */
    private static final String PING = new String("(ping)");
    private static final ByteBuffer PING_PAYLOAD = ByteBuffer.allocate(0);

    /** The far end of a connection: the container's {@link Session}, or a test's stand-in. */
    public interface Peer {
        String id();

        /** Starts an asynchronous write; {@code done} is called once when it finished or failed. */
        void sendText(String frame, SendHandler done);

        void close(CloseReason reason) throws IOException;

        /** Writes a ping; blocks until it is written (at once, unless the peer stopped reading). */
        void sendPing(ByteBuffer payload) throws IOException;

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
                public void sendPing(ByteBuffer payload) throws IOException {
                    session.getAsyncRemote().sendPing(payload);
                }

                @Override
                public void close(CloseReason reason) throws IOException {
                    session.close(reason);
                }
            };
        }
    }

    /**
     * The slow-client rule ({@code CHAT_SEND_QUEUE_BYTES}, {@code CHAT_SEND_QUEUE_SECONDS}).
     *
     * @param maxQueuedChars characters that may wait for one client
     * @param maxWaitNanos   how long the oldest waiting frame may have waited
     */
    public record Limits(long maxQueuedChars, long maxWaitNanos) {
    }

    /** A connection whose socket is not attached yet. */
    public ClientConnection(Limits limits, Executor closer) {
        this(limits, closer, ChatMetrics.NONE);
    }

    public ClientConnection(Limits limits, Executor closer, ChatMetrics metrics) {
        this.limits = limits;
        this.closer = closer;
        this.metrics = metrics;
    }

    public ClientConnection(Peer peer, Limits limits, Executor closer) {
        this(limits, closer);
        attach(peer);
    }

    public String id() {
        Peer attached = peer;
        return attached != null ? attached.id() : "(handshake)";
    }

    /** Attaches the socket: frames queued so far are written, in order; a close asked for meanwhile happens now. */
    public void attach(Peer attached) {
        String first = null;
        CloseReason closeNow;
        synchronized (this) {
            if (peer != null) {
                throw new IllegalStateException("already attached");
            }
            peer = attached;
            lastHeardNanos = System.nanoTime();
            closeNow = closeOnAttach;
            if (closeNow == null) {
                first = queue.poll();
                writing = first != null;
            }
        }
        if (closeNow != null) {
            closeOnCloser(attached, closeNow);
        } else if (first != null) {
            writeFrom(first);
        }
    }

    /** Queues a frame for this client; never blocks. Frames of one caller arrive in the order sent. */
    public void send(String frame) {
        send(frame, System.nanoTime());
    }

    /** Like {@link #send(String)}, at {@code nowNanos} ({@link System#nanoTime}), read once for a whole fan-out. */
    public void send(String frame, long nowNanos) {
        String tooSlow = null;
        synchronized (this) {
            if (closing) {
                return;
            }
            if (!writing && peer != null) {
                writing = true;
            } else if (queue.chars() + frame.length() > limits.maxQueuedChars()) {
                tooSlow = (queue.chars() + frame.length()) + " characters waiting";
            } else if (queue.oldestWaitNanos(nowNanos) > limits.maxWaitNanos()) {
                tooSlow = "a frame waiting " + queue.oldestWaitNanos(nowNanos) / 1_000_000 + " ms";
            } else {
                queue.add(frame, nowNanos);
                return;
            }
        }
        if (tooSlow != null) {
            String why = tooSlow;
            LOG.fine(() -> "Closing slow client " + id() + ": " + why);
            close(new CloseReason(CloseCodes.TRY_AGAIN_LATER, "Too slow: messages were piling up"));
        } else {
            writeFrom(frame);
        }
    }

    /** Whether the container's session is attached (the socket is open). */
    public boolean isAttached() {
        return peer != null;
    }

    /** The peer sent something (a frame, a pong): it is alive. */
    public void heard(long nowNanos) {
        lastHeardNanos = nowNanos;
    }

    /**
     * Sends a ping (keepalive), on {@code pinger}, never on the caller: a ping write blocks if the peer stopped
     * reading. It waits its turn behind the frames queued before it, so the socket keeps one writer at a time; the
     * socket is not claimed before the task runs, so a busy pinger delays pings, never frames.
     */
    public void ping(Executor pinger) {
        try {
            pinger.execute(() -> {
                synchronized (this) {
                    if (closing || peer == null) {
                        return;
                    }
                    if (writing) {
                        queue.add(PING, System.nanoTime());
                        return;
                    }
                    writing = true;
                }
                writeFrom(PING);
            });
        } catch (RejectedExecutionException stopping) {
            // the node is stopping: no more pings
        }
    }

    /**
     * Whether the peer has said nothing (no pong, no frame) for two intervals, although a ping went out at least half
     * an interval ago, time enough to answer it. A ping still waiting to be written counts for nothing, so a busy socket or a busy pinger is never
     * taken for a silent peer.
     */
    public boolean ignoredPing(long nowNanos, long intervalNanos) {
        long written = pingWrittenNanos;
        long heard = lastHeardNanos;
        return written != 0 && heard - written < 0 && nowNanos - written >= intervalNanos / 2
                && nowNanos - heard > 2 * intervalNanos;
    }

    /** Closes this client from another thread, without waiting; used for shutdown and slow clients. */
    public void close(CloseReason reason) {
        Peer attached;
        synchronized (this) {
            closing = true;
            queue.clear();
            attached = peer;
            if (attached == null) {
                if (closeOnAttach == null) {
                    closeOnAttach = reason;
                }
                return;
            }
        }
        closeOnCloser(attached, reason);
    }

    private void closeOnCloser(Peer attached, CloseReason reason) {
        Runnable closeIt = () -> {
            try {
                attached.close(reason);
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

    /**
     * Writes {@code first}, then whatever queued behind it, by the thread that set {@code writing}. A container may
     * complete a write on another thread (Tomcat hands completions to its executor), which then writes the next
     * frame, or on this very thread, inside the send call; then the completion only notes it, and this loop goes on,
     * so a burst is written in a loop, never in a recursion as deep as the queue.
     */
    private void writeFrom(String first) {
        String frame = first;
        while (frame != null) {
            synchronized (this) {
                sending = true;
                completedWhileSending = false;
            }
            boolean started = start(frame);
            synchronized (this) {
                sending = false;
                if (!started || !completedWhileSending) {
                    return; // failed (the socket is gone), or the completion will come and write the next one
                }
                frame = nextOrIdle();
            }
        }
    }

    /** Starts one write; false when the container refused it (the socket is then dropped). */
    private boolean start(String frame) {
        try {
            if (frame == PING) {
                // Taken before the write: a pong can arrive before the blocking write returns.
                long writing = System.nanoTime();
                peer.sendPing(PING_PAYLOAD.duplicate()); // blocking: its completion is the return
                pingWrittenNanos = writing;
                onWritten(new SendResult());
            } else {
                metrics.frameSent();
                peer.sendText(frame, this::onWritten);
            }
            return true;
        } catch (IOException | IllegalStateException e) {
            // The session closed under us; its onClose removes it from its room.
            LOG.log(Level.FINE, "Dropping frames for closed session " + id(), e);
            dropSocket("the connection is gone");
            return false;
        } catch (RuntimeException e) {
            // Whatever else the container throws, this socket alone stops receiving, and the caller (the relay's
            // dispatch thread, serving every room) goes on.
            LOG.log(Level.WARNING, "Write to " + id() + " failed; dropping this socket's frames", e);
            dropSocket("Server could not write to this socket");
            return false;
        }
    }

    private void onWritten(SendResult result) {
        if (!result.isOK()) {
            LOG.log(Level.FINE, "Write to " + id() + " failed", result.getException());
            dropSocket("A write to this socket failed");
            return;
        }
        String next;
        synchronized (this) {
            if (sending) {
                completedWhileSending = true; // on the writing thread, inside the send call: its loop goes on
                return;
            }
            next = nextOrIdle();
        }
        if (next != null) {
            writeFrom(next);
        }
    }

    /** The next frame to write, or none (the socket is idle from now on); under {@code this}. */
    private String nextOrIdle() {
        String next = closing ? null : queue.poll();
        if (next == null) {
            writing = false;
        }
        return next;
    }

    /** A write failed: nothing more is written, and the session is closed, so the socket leaves its room. */
    private void dropSocket(String why) {
        markGone();
        close(new CloseReason(CloseCodes.UNEXPECTED_CONDITION, why));
    }

    private synchronized void markGone() {
        closing = true;
        writing = false;
        queue.clear();
    }
}
