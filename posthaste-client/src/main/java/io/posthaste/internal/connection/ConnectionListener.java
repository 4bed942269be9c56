package io.posthaste.internal.connection;

/**
 * Hears about connections that closed or turned bad while nobody was using them: the source
 * that keeps them idle (the shared pool, or a caller's own loop).
 *
 * @param <C> the connection type
 */
@FunctionalInterface
public interface ConnectionListener<C extends Connection> {

    /** {@code connection} closed, or received bytes, while idle. Its event loop. */
    void idleConnectionLost(C connection);
}
