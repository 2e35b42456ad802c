package org.chatrooms.tomcat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Constructor;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.websocket.SendHandler;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link InlineCompletionExecutor} with Tomcat's own completion task (the class Tomcat hands it, made through
 * reflection: it is private to Tomcat) and a started pool: which thread runs what. Tomcat version: the one this
 * project compiles and tests against; ImageServerIT covers the image's line end to end.
 */
@Timeout(30)
class InlineCompletionExecutorTest {

    private final InlineCompletionExecutor executor = new InlineCompletionExecutor();

    @BeforeEach
    void startPool() throws Exception {
        executor.setName("test-pool");
        executor.start();
    }

    @AfterEach
    void stopPool() throws Exception {
        executor.stop();
        executor.destroy();
    }

    /** The name the executor matches is a Runnable of this Tomcat; after a rename this fails, not only the image. */
    @Test
    void completionTaskIsTomcatsClass() throws Exception {
        Class<?> task = Class.forName(InlineCompletionExecutor.COMPLETION_TASK);
        assertTrue(Runnable.class.isAssignableFrom(task), task + " is not a Runnable");
    }

    @Test
    void completionOnAnApplicationThreadRunsOnThatThread() throws Exception {
        assertEquals("chat-writer", threadThatCompletes("chat-writer"));
    }

    @Test
    void completionOnAnyOtherThreadGoesToThePool() throws Exception {
        assertTrue(threadThatCompletes("http-nio-8080-Poller").startsWith("http-nio-exec-"));
    }

    @Test
    void otherTasksOfAnApplicationThreadGoToThePool() throws Exception {
        CompletableFuture<String> ranOn = new CompletableFuture<>();
        onThread("chat-writer", () -> executor.execute(() -> ranOn.complete(Thread.currentThread().getName())));
        assertTrue(ranOn.get(10, TimeUnit.SECONDS).startsWith("http-nio-exec-"));
    }

    /** A completion that sends again, and so completes again, inside an inline completion: not nested. */
    @Test
    void aCompletionInsideAnInlineOneGoesToThePool() throws Exception {
        CompletableFuture<String> inner = new CompletableFuture<>();
        CompletableFuture<String> outer = new CompletableFuture<>();
        onThread("chat-writer", () -> executor.execute(completion(result -> {
            outer.complete(Thread.currentThread().getName());
            executor.execute(completion(again -> inner.complete(Thread.currentThread().getName())));
        })));
        assertEquals("chat-writer", outer.get(10, TimeUnit.SECONDS));
        assertTrue(inner.get(10, TimeUnit.SECONDS).startsWith("http-nio-exec-"), inner.get());
    }

    private String threadThatCompletes(String writer) throws Exception {
        CompletableFuture<String> ranOn = new CompletableFuture<>();
        onThread(writer, () -> executor.execute(completion(result -> ranOn.complete(Thread.currentThread().getName()))));
        return ranOn.get(10, TimeUnit.SECONDS);
    }

    private static void onThread(String name, Runnable action) throws InterruptedException {
        Thread thread = new Thread(action, name);
        thread.start();
        thread.join(10_000);
        assertTrue(!thread.isAlive(), name + " still running");
    }

    /** Tomcat's task that calls {@code handler} with a successful result, as the write path makes it. */
    private static Runnable completion(SendHandler handler) {
        try {
            Class<?> task = Class.forName(InlineCompletionExecutor.COMPLETION_TASK);
            Constructor<?> constructor = task.getDeclaredConstructor(SendHandler.class, Throwable.class);
            constructor.setAccessible(true);
            return (Runnable) constructor.newInstance(handler, null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("Tomcat's completion task changed: " + e, e);
        }
    }
}
