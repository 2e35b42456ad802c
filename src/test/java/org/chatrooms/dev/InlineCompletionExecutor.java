package org.chatrooms.dev;

import org.apache.catalina.core.StandardThreadExecutor;

/**
 * The connector's thread pool, except that a WebSocket write's completion is run on the thread that asked for the
 * write when that thread is one of the application's own ({@code chat-*}: the relay's dispatch thread, above all),
 * instead of being handed to a pool thread.
 *
 * <p>Why: Tomcat 10.1 hands every asynchronous write's completion to its executor, even when the write finished
 * inside the send call ({@code WsRemoteEndpointImplServer.clearHandler(null, true)} ->
 * {@code SocketWrapperBase.execute}). At chat rates almost every write finishes there, so each delivery cost a
 * thread wake-up and a context switch: a profile of 87 msg/s into a room of 50 showed about 2,300 wake-ups a
 * second on each node's pool threads, one per delivery, and a third of the node's CPU on them. Run inline, the
 * completion lands in {@code ClientConnection}'s writer loop, which was built for it (a completion inside the send
 * call only notes that the write is done, and the loop writes the next frame), so the socket still has one writer
 * at a time and nothing recurses.
 *
 * <p>The specification asks for a completion on another thread so that a handler that sends again cannot recurse
 * without bound (Tomcat bug 55715). Two rules keep that: only the first completion on a thread runs inline (a
 * completion that arrives while one is running inline, such as the next part of a long message, goes to the pool),
 * and container threads (pool, poller, timeouts) keep Tomcat's behaviour, so a write that had to wait for the
 * peer still completes on a pool thread, never on the poller. Everything else is Tomcat's
 * {@link StandardThreadExecutor}. If Tomcat renames its completion task, this executor only stops matching it and
 * every completion is handed off again, as before.
 *
 * <p>Threads: {@link #execute} is called by any thread that writes to or closes a socket, and by the poller.
 */
final class InlineCompletionExecutor extends StandardThreadExecutor {

    /** Tomcat's task that calls a {@code SendHandler}; package-private in Tomcat, so matched by name. */
    private static final String COMPLETION_TASK =
            "org.apache.tomcat.websocket.server.WsRemoteEndpointImplServer$OnResultRunnable";
    /** The prefix of every thread the application starts (OwnedThreads, the relays' threads). */
    private static final String APPLICATION_THREADS = "chat-";
    private static final ThreadLocal<Boolean> RUNNING_INLINE = ThreadLocal.withInitial(() -> Boolean.FALSE);

    InlineCompletionExecutor() {
        // The NIO connector's own pool has these: its thread names and sizes, so nothing else changes.
        setNamePrefix("http-nio-exec-");
        setMinSpareThreads(10);
        setMaxThreads(200);
    }

    @Override
    public void execute(Runnable command) {
        if (!command.getClass().getName().equals(COMPLETION_TASK)
                || !Thread.currentThread().getName().startsWith(APPLICATION_THREADS) || RUNNING_INLINE.get()) {
            super.execute(command);
            return;
        }
        RUNNING_INLINE.set(Boolean.TRUE);
        try {
            command.run();
        } finally {
            RUNNING_INLINE.set(Boolean.FALSE);
        }
    }
}
