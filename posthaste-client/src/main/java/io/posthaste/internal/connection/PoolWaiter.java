package io.posthaste.internal.connection;

import java.util.concurrent.CompletableFuture;

/**
 * A request waiting in a {@link ConnectionPool} for a place, with what a connection opened for it
 * must honour: the pool completes it with a connection, or fails it (timeout, pool closed); the
 * requester cancels it to give up its place in line.
 *
 * @param <S> the connect spec
 * @param <C> the connection type
 */
final class PoolWaiter<S, C> extends CompletableFuture<C> {

    /** How a connection opened for this request is to be opened. */
    final S spec;

    PoolWaiter(S spec) {
        this.spec = spec;
    }
}
