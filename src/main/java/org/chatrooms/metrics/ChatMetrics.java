package org.chatrooms.metrics;

import java.util.function.IntSupplier;

/**
 * What the chat counts, for operators (Prometheus at {@code /metrics}, see docs/operations.md). The relay and
 * socket packages call this interface only, never Micrometer, so they stay free of a metrics library; every
 * method is a no-op by default, and {@link #NONE} is what runs with {@code CHAT_METRICS=false} (and in unit tests).
 *
 * <p>Every place that drops or refuses something counts it here (the centrifuge rule: a drop that is only logged is
 * invisible). Labels take values from small fixed sets (close codes, error codes, drop reasons), never rooms or
 * users, so the number of series stays bounded whatever clients send.
 *
 * <p>Thread-safe; called from any thread, on hot paths too (per frame sent): implementations must not block.
 */
public interface ChatMetrics {

    /** Counts nothing. */
    ChatMetrics NONE = new ChatMetrics() {
    };

    /** The node's sockets and rooms, read when metrics are scraped. */
    default void watch(IntSupplier sockets, IntSupplier rooms) {
    }

    /** A frame arrived from a client (a message, or something that will be refused). */
    default void messageReceived() {
    }

    /** The relay accepted a post, {@code nanos} after its frame arrived. */
    default void messagePublished(long nanos) {
    }

    /** A frame was handed to a socket's connection for writing. */
    default void frameSent() {
    }

    /** A socket closed, with this close code. */
    default void socketClosed(int code) {
    }

    /** A client's message was not relayed; {@code reason} is the error code its sender got. */
    default void messageRefused(String reason) {
    }

    /** A client connected with a position: whether everything it missed was still held. */
    default void clientRecovered(boolean complete) {
    }

    /** The relay's connection to Redis came back after it was lost. */
    default void relayReconnected() {
    }

    /** The relay lost something on its way (reasons: {@code dispatch_queue_full}, {@code gap}, ...). */
    default void relayDropped(String reason) {
    }

    /** A room's stream moved to a new epoch because Redis lost or rolled back its data. */
    default void epochRotated() {
    }
}
