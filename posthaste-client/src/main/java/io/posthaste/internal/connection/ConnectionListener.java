package io.posthaste.internal.connection;

/**
 * Hears about connections that closed or turned bad while nobody was using them: the source
 * that keeps them idle (the shared pool, or a caller's own loop); and, for a multiplexed
 * connection, that the number of exchanges it can carry changed.
 *
 * @param <C> the connection type
 */
@FunctionalInterface
public interface ConnectionListener<C extends Connection> {

    /** {@code connection} closed, or received bytes, while idle. Its event loop. */
    void idleConnectionLost(C connection);

    /**
     * A multiplexed {@code connection}'s {@linkplain ConnectionPool.Pooled#capacity() capacity}
     * changed: the peer raised or lowered its stream limit, or sent GOAWAY. Its event loop.
     */
    default void capacityChanged(C connection) {}
}
