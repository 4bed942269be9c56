package io.posthaste.internal.connection;

import io.netty.channel.EventLoop;
import io.posthaste.Timeouts;
import java.util.concurrent.CompletableFuture;

/**
 * Where an exchange gets its connection and gives it back. Two implementations, chosen once per
 * exchange: the session's {@link SharedConnections} (the pool, on the shared I/O loops), and the
 * {@link CallerLoop} of a platform thread inside {@code send()}, which runs its exchanges on its
 * own loop and falls back to the shared pool when the pool has no place for another connection.
 * A connection goes back to the source it came from.
 *
 * @param <C> the connection type
 */
public interface ConnectionSource<C extends Connection> {

    /**
     * Returns an idle, usable connection to {@code origin} now, leased to the caller, or null if
     * there is none: the common case under load, which costs no future. Any thread.
     */
    C pollIdle(Origin origin);

    /**
     * Returns a connection to {@code origin}: an idle one (unless {@code fresh}: then never one
     * that sat idle), a new one opened as {@code spec} says, or one given back by another
     * exchange while this one waited, within {@code spec}'s pool-acquire timeout. Cancelling
     * the future gives up the wait. Any thread.
     */
    CompletableFuture<C> acquire(Origin origin, Timeouts spec, boolean fresh);

    /**
     * Gives {@code connection} back: kept for the next exchange if {@code reusable}, else
     * closed. The connection's event loop.
     */
    void release(C connection, boolean reusable);

    /** Returns the loop for an exchange's timers: the one its connections run on, if only one. */
    EventLoop timerLoop();
}
