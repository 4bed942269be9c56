package io.posthaste.internal.connection;

import java.util.List;

/**
 * The leasing of a {@link ConnectionPool}'s multiplexed connections (HTTP/2): each exchange
 * leases one stream of a connection, up to its {@linkplain ConnectionPool.Pooled#capacity()
 * capacity}; room goes to an origin's waiters in order; a usable connection rests when no
 * exchange holds it, an unusable one is forgotten once its last exchange is over. Like the
 * {@link PoolLedger} it belongs to, it never calls out: hand-overs are listed for the pool.
 *
 * <p>Threading: every method is called with the pool's lock held.
 *
 * @param <K> the origin key
 * @param <S> the connect spec
 * @param <C> the connection type
 */
final class MultiplexedLeases<K, S, C extends ConnectionPool.Pooled> {

    /** A waiter and the multiplexed connection leased for it, handed over outside the lock. */
    record Handout<S, C>(PoolWaiter<S, C> waiter, C connection) {}

    private final PoolLedger<K, S, C> ledger;

    MultiplexedLeases(PoolLedger<K, S, C> ledger) {
        this.ledger = ledger;
    }

    /**
     * Leases the first usable multiplexed connection of {@code origin} with room, or returns
     * null. Unusable ones no exchange holds are forgotten and added to {@code toClose} (if not
     * null).
     */
    C leaseShared(PoolOrigin<K, S, C> origin, List<C> toClose) {
        for (int i = 0; i < origin.shared.size(); i++) {
            PoolOrigin.Shared<C> shared = origin.shared.get(i);
            C connection = shared.connection;
            if (!connection.isUsable()) {
                if (shared.leases == 0 && toClose != null) {
                    origin.shared.remove(i--);
                    ledger.forget(origin);
                    toClose.add(connection);
                }
                continue;
            }
            if (shared.leases < connection.capacity()) {
                shared.leases++;
                return connection;
            }
        }
        return null;
    }

    /** Gives waiters of {@code origin} the room its multiplexed connections have. */
    void handOutShared(PoolOrigin<K, S, C> origin, List<Handout<S, C>> handouts) {
        while (!origin.waiters.isEmpty()) {
            C stream = leaseShared(origin, null);
            if (stream == null) {
                return;
            }
            handouts.add(new Handout<>(origin.waiters.pollFirst(), stream));
        }
    }

    /**
     * Gives back one lease of multiplexed {@code connection} if {@code released}, then settles
     * it: a usable one hands its room to waiters and rests (stamped {@code now}) when no exchange
     * holds it; an unusable one is forgotten once unheld, and waiters may connect. Returns
     * whether to close it (also when the pool does not know it).
     */
    boolean settle(
            K key,
            C connection,
            boolean released,
            long now,
            List<Handout<S, C>> handouts,
            List<PoolOrigin<K, S, C>> toConnect) {
        PoolOrigin<K, S, C> origin = ledger.get(key);
        PoolOrigin.Shared<C> shared = origin == null ? null : origin.find(connection);
        if (shared == null) {
            return released;
        }
        if (released) {
            shared.leases--;
        }
        if (ledger.isClosed() || !connection.isUsable()) {
            boolean close = shared.leases == 0;
            if (close) {
                origin.shared.remove(shared);
                ledger.forget(origin);
            }
            ledger.admitWaiters(toConnect);
            return close;
        }
        handOutShared(origin, handouts);
        if (shared.leases == 0) {
            connection.idleSince(now);
            ledger.onRest();
        }
        return false;
    }
}
