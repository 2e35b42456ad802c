package org.chatrooms.testing;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waiting on a relay's stages with a timeout, so a test fails with a message instead of hanging. */
public final class Stages {

    public static final Duration WAIT = Duration.ofSeconds(10);

    private Stages() {
    }

    /** The stage's value; fails if it failed or did not complete within {@link #WAIT}. */
    public static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("stage failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("stage did not complete within " + WAIT, e);
        }
    }

    /** Whether the stage succeeded (true) or failed (false) within {@link #WAIT}. */
    public static boolean succeeds(CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            return false;
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("stage neither failed nor succeeded within " + WAIT, e);
        }
    }

    /** Asserts the stage fails, within {@link #WAIT}, with an exception of {@code type}; returns that exception. */
    public static <E extends Throwable> E assertFailsWith(Class<E> type, CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return assertInstanceOf(type, e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("stage neither failed nor succeeded within " + WAIT, e);
        }
        throw new AssertionError("expected " + type.getSimpleName() + ", but the stage succeeded");
    }
}
