package io.posthaste.internal.connection;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.posthaste.Timeouts;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * The session's shared connections: a {@link ConnectionPool} whose connections run on the shared
 * I/O loops. Connections lost while idle leave the pool at once.
 *
 * @param <C> the connection type
 */
public final class SharedConnections<C extends Connection> implements ConnectionSource<C>, ConnectionListener<C> {

    private final ConnectionPool<Origin, Timeouts, C> pool;
    private final EventLoopGroup loops;

    /**
     * Creates the shared source.
     *
     * @param maxPerOrigin most connections to one origin
     * @param maxTotal most connections in all (caller loops' connections included)
     * @param idleTimeoutNanos how long a connection may sit idle before it is closed
     * @param loops the shared I/O loops: new connections run on them, and so do the pool's timers
     * @param connector opens new connections
     * @param mayMultiplex whether connections to an origin may turn out multiplexed (HTTP/2 offered)
     */
    public SharedConnections(
            int maxPerOrigin,
            int maxTotal,
            long idleTimeoutNanos,
            EventLoopGroup loops,
            Connector<C> connector,
            Predicate<Origin> mayMultiplex) {
        this.loops = loops;
        this.pool = new ConnectionPool<>(
                maxPerOrigin,
                maxTotal,
                idleTimeoutNanos,
                Scheduler.on(loops.next()),
                (origin, spec) -> connector.connect(origin, spec, loops, this),
                mayMultiplex);
    }

    /**
     * Returns whether connections to {@code origin} may be multiplexed (HTTP/2 is offered and no
     * connection has shown otherwise): exchanges to it then belong on the shared loops.
     */
    public boolean multiplexes(Origin origin) {
        return pool.multiplexes(origin);
    }

    /** Returns the pool, whose caps the caller loops share. */
    public ConnectionPool<Origin, Timeouts, C> pool() {
        return pool;
    }

    @Override
    public C pollIdle(Origin origin) {
        return pool.pollIdle(origin);
    }

    @Override
    public CompletableFuture<C> acquire(Origin origin, Timeouts spec, boolean fresh) {
        return pool.acquire(origin, spec, spec.poolAcquire().toNanos(), fresh);
    }

    @Override
    public void release(C connection, boolean reusable) {
        pool.release(connection.origin(), connection, reusable);
    }

    @Override
    public EventLoop timerLoop() {
        return loops.next();
    }

    @Override
    public void idleConnectionLost(C connection) {
        pool.evict(connection.origin(), connection);
    }

    @Override
    public void capacityChanged(C connection) {
        pool.capacityChanged(connection.origin(), connection);
    }

    /** Closes every connection and fails every waiter. */
    public void close() {
        pool.close();
    }
}
