package org.chatrooms.tomcat;

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
 * at a time and nothing recurses. A quiet benchmark run at 87 msg/s into 1 x 50, with the JIT settled, measured one
 * node at 3.22 % of a core per 1,000 deliveries/s with this executor and 5.53 % with Tomcat's stock pool, at the same
 * p99; 1,000 rooms of 5 at 1,000 msg/s, 6.84 against 10.8 % (README, Benchmark).
 *
 * <p>The specification asks for a completion on another thread so that a handler that sends again cannot recurse
 * without bound (Tomcat bug 55715). Two rules keep that: only the first completion on a thread runs inline (a
 * completion that arrives while one is running inline, such as the next part of a long message, goes to the pool),
 * and container threads (pool, poller, timeouts) keep Tomcat's behaviour, so a write that had to wait for the
 * peer still completes on a pool thread, never on the poller. Everything else is Tomcat's
 * {@link StandardThreadExecutor}. If Tomcat renames its completion task, this executor only stops matching it and
 * every completion is handed off again, as before, without an error: {@code ImageServerIT} (the image's Tomcat
 * line) counts the pool's wake-ups per delivery and fails then, and {@code InlineCompletionExecutorTest} checks the
 * name against the Tomcat this project compiles and tests with.
 *
 * <p>Only at chat rates, though: a thread runs at most {@link #INLINE_PER_WINDOW} completions inline per
 * {@link #WINDOW_NANOS} (10,000 a second), the rest of that window goes to the pool as before. Inline, every write
 * of a node happens on its relay thread, one core; handed off, a frame that arrives while a write is in flight is
 * written by the pool thread that completes it, so a busy node spreads its writes over several cores, which is
 * likely worth more than the saved wake-ups once there are many writes a second (in one benchmark run without this
 * bound, a node at 1,600 msg/s into 1 x 50 used 84 % of a core and failed the step, where Tomcat's pool used 131 %;
 * the machine was too busy to say more). At chat rates (87 msg/s into 1 x 50: 4,350 completions a second) every
 * completion runs inline.
 *
 * <p>Where it runs: it extends a Tomcat class, so it belongs to the server, not to the WAR (the build leaves it out
 * of {@code WEB-INF/classes}, where Payara or TomEE would scan it, and packages it alone as
 * {@code target/chatrooms-<version>-tomcat.jar}). The run command's embedded Tomcat ({@code ChatServer}) creates it
 * in code; the image (Dockerfile) puts that jar in {@code $CATALINA_HOME/lib/} and {@code deploy/tomcat/server.xml}
 * names it. An operator with a server.xml of their own needs both: the jar in Tomcat's {@code lib/} (the common
 * class loader, which reads {@code server.xml}'s classes), and in the {@code <Service>}, before the connector,
 * <pre>{@code
 * <Executor name="tomcatThreadPool" className="org.chatrooms.tomcat.InlineCompletionExecutor"
 *           namePrefix="http-nio-exec-" maxThreads="256" minSpareThreads="16" />
 * <Connector executor="tomcatThreadPool" ... />
 * }</pre>
 * With {@code executor} set the connector's own {@code maxThreads}, {@code minSpareThreads} and thread names are
 * ignored, so they move to the {@code <Executor>}, which takes every attribute {@link StandardThreadExecutor}
 * does. Without the jar Tomcat does not start (it cannot create the executor); without the {@code executor}
 * attribute the connector keeps its own pool and hands every completion off, as stock Tomcat does.
 *
 * <p>Threads: {@link #execute} is called by any thread that writes to or closes a socket, and by the poller; the
 * budget is per thread ({@link ThreadLocal}), so nothing is shared. The budget's class is loaded by the server's
 * class loader, not the WAR's, so an application thread that ends leaves nothing of the WAR behind.
 */
public class InlineCompletionExecutor extends StandardThreadExecutor {

    /** Tomcat's task that calls a {@code SendHandler}; package-private in Tomcat, so matched by name. */
    static final String COMPLETION_TASK =
            "org.apache.tomcat.websocket.server.WsRemoteEndpointImplServer$OnResultRunnable";
    /** The prefix of every thread the application starts (OwnedThreads, the relays' threads). */
    private static final String APPLICATION_THREADS = "chat-";
    static final long WINDOW_NANOS = 100_000_000;
    static final int INLINE_PER_WINDOW = 1_000;
    private static final ThreadLocal<InlineBudget> BUDGET = ThreadLocal.withInitial(InlineBudget::new);

    /** One application thread's inline completions: whether one is running, and how many ran in this window. */
    private static final class InlineBudget {
        boolean running;
        long windowStart = System.nanoTime();
        int used;

        boolean take() {
            if (running) {
                return false;
            }
            long now = System.nanoTime();
            if (now - windowStart >= WINDOW_NANOS) {
                windowStart = now;
                used = 0;
            }
            return used++ < INLINE_PER_WINDOW;
        }
    }

    /**
     * With the NIO connector's own pool's thread names and sizes, so that a Tomcat created in code changes nothing
     * else; {@code server.xml}'s attributes (set after this, as Tomcat sets them on every {@code <Executor>})
     * override them.
     */
    public InlineCompletionExecutor() {
        setNamePrefix("http-nio-exec-");
        setMinSpareThreads(10);
        setMaxThreads(200);
    }

    @Override
    public void execute(Runnable command) {
        if (!command.getClass().getName().equals(COMPLETION_TASK)
                || !Thread.currentThread().getName().startsWith(APPLICATION_THREADS)) {
            super.execute(command);
            return;
        }
        InlineBudget budget = BUDGET.get();
        if (!budget.take()) {
            super.execute(command);
            return;
        }
        budget.running = true;
        try {
            command.run();
        } finally {
            budget.running = false;
        }
    }
}
