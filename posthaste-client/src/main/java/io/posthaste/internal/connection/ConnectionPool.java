package io.posthaste.internal.connection;

import io.posthaste.internal.connection.MultiplexedLeases.Handout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * Connections per origin, with a cap per origin and a cap in total, FIFO waiters with a timeout,
 * and eviction of connections idle for too long. Transport-neutral: it knows connections only as
 * {@link Pooled}, and makes new ones with the connector it is given, passing the connect spec of
 * the acquire the connection is for. A waiter keeps its own spec, so a connection opened for it
 * later (on whichever thread gave a place back) is opened as its own request asked.
 *
 * <p>Accounting: every connection counts against both caps from the moment it is requested from
 * the connector until it is {@linkplain #release released} as not reusable or evicted. A place
 * can also be {@linkplain #tryReserve reserved} for a connection kept outside the pool (one that a
 * caller's own thread drives); it counts as leased until {@linkplain #unreserve given back}, and
 * a waiter that finds every place taken asks the {@linkplain #onStarved starved hook} to give
 * such places back. A waiter that times out or is cancelled is removed at once and never holds
 * up the ones behind it.
 *
 * <p>Threading: every method may be called from any thread. One lock guards all state and is
 * never held while calling out (connector, futures, close, the hook), so a waiter's callbacks
 * can never deadlock the pool. Time (idle stamps, acquire timeouts, and the idle sweep, which
 * runs every quarter of the idle timeout, never more often than every 100 ms) comes from the
 * {@link Scheduler} the pool is given.
 *
 * <p>Multiplexed connections (HTTP/2, {@link Pooled#isMultiplexed()}) are leased per exchange,
 * up to their {@linkplain Pooled#capacity() capacity}: an origin's requests share its one usable
 * multiplexed connection, and wait for room on it rather than open another (the caps count
 * connections, not exchanges). Until an origin that {@code mayMultiplex} has shown which protocol
 * it speaks, its requests wait for the one connect in flight instead of each opening a
 * connection. A multiplexed connection is kept while it is usable, whatever one exchange made of
 * it (a stream's failure does not spoil the others), and closed when it is not and its last
 * exchange is over. See the {@linkplain io.posthaste.internal.connection package} for the plan.
 *
 * <p>Structure: this class holds the lock and does everything that calls out (connects, hand-overs,
 * closes, timers); the state and every decision taken under the lock are in {@link PoolLedger}
 * (origins, caps, admission of waiters, multiplexed leasing), one origin's books in
 * {@link PoolOrigin}, a waiting request in {@link PoolWaiter}.
 *
 * @param <K> the origin key (scheme, host, port and TLS settings)
 * @param <S> the connect spec: how to open a new connection for one acquire (for HTTP, the
 *     request's connect and TLS handshake timeouts)
 * @param <C> the connection type
 */
public final class ConnectionPool<K, S, C extends ConnectionPool.Pooled> {

    /** What the pool needs of a connection. */
    public interface Pooled {
        /** Returns whether the connection can carry another exchange. */
        boolean isUsable();

        /** Closes the connection; idempotent. */
        void close();

        /** Records when the connection went idle (the pool's bookkeeping). */
        void idleSince(long nanoTime);

        /** Returns when the connection went idle. */
        long idleSince();

        /**
         * Returns whether the connection carries many exchanges at once (HTTP/2): it is then
         * leased per exchange, up to its {@link #capacity()}. Fixed for the connection's life.
         */
        default boolean isMultiplexed() {
            return false;
        }

        /**
         * Returns how many exchanges a multiplexed connection may carry at once now: the peer's
         * limit, or 0 once it takes no more (GOAWAY). It reports a change through its
         * {@code ConnectionListener}. Any thread.
         */
        default int capacity() {
            return 1;
        }
    }

    /** Thrown to a waiter whose acquire timeout elapsed. */
    public static final class AcquireTimeoutException extends Exception {
        private static final long serialVersionUID = 1L;

        AcquireTimeoutException(String message) {
            super(message, null, false, false);
        }
    }

    /** Thrown when the pool has been closed. */
    public static final class PoolClosedException extends Exception {
        private static final long serialVersionUID = 1L;

        public PoolClosedException() {
            super("the session is closed", null, false, false);
        }
    }

    /** A snapshot of the pool's counters. */
    public record Stats(int leased, int idle, int connecting, int waiting) {}

    private final long idleTimeoutNanos;
    private final Scheduler scheduler;
    private final BiFunction<K, S, CompletableFuture<C>> connector;
    private volatile Runnable starved = () -> {};
    private final ReentrantLock lock = new ReentrantLock();
    private final PoolLedger<K, S, C> ledger;
    private final WaiterAdmission<K, S, C> admission;
    private Scheduler.Task sweeper;

    /**
     * Creates a pool.
     *
     * @param maxPerOrigin most connections to one origin
     * @param maxTotal most connections in all
     * @param idleTimeoutNanos how long a connection may sit idle before it is closed
     * @param scheduler the clock, and what runs acquire timeouts and the idle sweep
     * @param connector opens a new connection to an origin, as the acquire's connect spec says
     */
    public ConnectionPool(
            int maxPerOrigin,
            int maxTotal,
            long idleTimeoutNanos,
            Scheduler scheduler,
            BiFunction<K, S, CompletableFuture<C>> connector) {
        this(maxPerOrigin, maxTotal, idleTimeoutNanos, scheduler, connector, key -> false);
    }

    /**
     * Creates a pool whose origins may turn out to speak a multiplexed protocol.
     *
     * @param mayMultiplex whether connections to an origin may be multiplexed (HTTP/2 offered):
     *     until one is made, its requests wait for the first connect rather than each open one
     */
    public ConnectionPool(
            int maxPerOrigin,
            int maxTotal,
            long idleTimeoutNanos,
            Scheduler scheduler,
            BiFunction<K, S, CompletableFuture<C>> connector,
            Predicate<K> mayMultiplex) {
        this.idleTimeoutNanos = idleTimeoutNanos;
        this.scheduler = scheduler;
        this.connector = connector;
        this.ledger = new PoolLedger<>(maxPerOrigin, maxTotal, mayMultiplex, this::startSweeper);
        this.admission = new WaiterAdmission<>(this, lock, ledger, scheduler, connector);
    }

    /**
     * Returns whether connections to {@code key} may be multiplexed: it may, and no connection
     * has shown it does not.
     */
    public boolean multiplexes(K key) {
        if (!ledger.mayMultiplex(key)) {
            return false;
        }
        lock.lock();
        try {
            PoolOrigin<K, S, C> origin = ledger.get(key);
            return origin == null || !Boolean.FALSE.equals(origin.multiplexed);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sets what to run when a request has to wait for a place: it may free reserved places
     * (see {@link #tryReserve}). Runs on the waiting caller's thread, outside the lock.
     */
    public void onStarved(Runnable hook) {
        this.starved = hook;
    }

    /**
     * Takes a place for a connection to {@code key} kept outside the pool, if the caps allow one
     * now (closing another origin's idle connection if that makes room). Never waits.
     *
     * @return whether the place was taken; if so, {@link #unreserve} must give it back
     */
    public boolean tryReserve(K key) {
        List<C> toClose = new ArrayList<>(1);
        lock.lock();
        try {
            return ledger.reserve(key, toClose);
        } finally {
            lock.unlock();
            toClose.forEach(Pooled::close);
        }
    }

    /** Gives back a place taken by {@link #tryReserve}; a waiter may now connect. */
    public void unreserve(K key) {
        List<PoolOrigin<K, S, C>> toConnect = new ArrayList<>(1);
        lock.lock();
        try {
            PoolOrigin<K, S, C> origin = ledger.get(key);
            if (origin == null) {
                return;
            }
            ledger.forget(origin);
            ledger.admitWaiters(toConnect);
        } finally {
            lock.unlock();
        }
        toConnect.forEach(admission::connectForWaiter);
    }

    /**
     * Returns a usable idle connection to {@code key} at once, or null if there is none (then
     * {@link #acquire} connects or waits). Unusable idle ones found on the way are closed. The
     * same as an {@code acquire} that finds an idle connection, without a future.
     */
    public C pollIdle(K key) {
        List<C> toClose = null;
        lock.lock();
        try {
            C found = ledger.pollIdle(key);
            toClose = ledger.takeUnusable();
            return found;
        } finally {
            lock.unlock();
            if (toClose != null) {
                toClose.forEach(Pooled::close);
                admission.admitAfterForgetting();
            }
        }
    }

    /**
     * Returns a connection to {@code key}: an idle one if any is usable, a new one opened with
     * {@code spec} if the caps allow, or else the next one released or opened with {@code spec}
     * for this request, waiting at most {@code timeoutNanos}. Cancelling the returned future
     * gives up the place in line (or the connection, if one was already handed over, goes back to
     * the pool).
     *
     * <p>When {@code fresh}, never an idle connection: a request retried because its pooled
     * connection turned out to be closed by the server gets a new connection, since the server's
     * other idle ones are as suspect. If the origin's cap is reached, its oldest idle connection
     * is closed to make room; if none is idle, the request waits for the next release like any
     * other.
     */
    public CompletableFuture<C> acquire(K key, S spec, long timeoutNanos, boolean fresh) {
        C idle = fresh ? null : pollIdle(key);
        if (idle != null) {
            return CompletableFuture.completedFuture(idle);
        }
        List<C> toClose = new ArrayList<>(1);
        PoolWaiter<S, C> result;
        PoolOrigin<K, S, C> origin;
        lock.lock();
        try {
            if (ledger.isClosed()) {
                return CompletableFuture.failedFuture(new PoolClosedException());
            }
            origin = ledger.getOrAdd(key);
            // Room on a multiplexed connection is no stale connection: even a fresh request takes it.
            C stream = origin.shared.isEmpty() ? null : ledger.leases().leaseShared(origin, toClose);
            if (stream != null) {
                return CompletableFuture.completedFuture(stream);
            }
            if (fresh && ledger.isAtOriginCap(origin) && (idle = origin.idle.pollLast()) != null) {
                ledger.forget(origin);
                toClose.add(idle);
            }
            if (ledger.mayConnect(origin) && ledger.makeRoom(toClose)) {
                ledger.allocate(origin, true);
                result = null;
            } else {
                result = new PoolWaiter<>(spec);
                origin.waiters.addLast(result);
            }
        } finally {
            lock.unlock();
            toClose.forEach(Pooled::close);
        }
        if (result == null) {
            return admission.connect(origin, spec);
        }
        starved.run();
        return admission.await(result, origin, key, timeoutNanos);
    }

    /**
     * Gives a connection back. A reusable one goes to the origin's first waiter, else to the idle
     * list — unless a waiter of another origin is held back only by the total cap: then it is
     * closed, and its place goes to that waiter. Any other is closed, and its place goes to a
     * waiter.
     *
     * <p>A multiplexed connection gives back one exchange's lease. Whether it is kept depends on
     * it alone (one stream's failure does not spoil the others): a usable one takes the next
     * waiters, and rests when no exchange holds it; one no longer usable is closed once its last
     * exchange is over, and waiters may then open another.
     */
    public void release(K key, C connection, boolean reusable) {
        if (connection.isMultiplexed()) {
            settleShared(key, connection, true);
            return;
        }
        PoolWaiter<S, C> handTo;
        List<C> toClose;
        List<PoolOrigin<K, S, C>> toConnect;
        lock.lock();
        try {
            handTo = ledger.release(key, connection, reusable, scheduler.nanoTime());
            toClose = ledger.takeUnusable();
            toConnect = ledger.takeAdmitted();
        } finally {
            lock.unlock();
        }
        if (toClose != null) {
            toClose.forEach(Pooled::close);
        }
        if (toConnect != null) {
            toConnect.forEach(admission::connectForWaiter);
        }
        if (handTo != null && !handTo.complete(connection)) {
            // The waiter gave up in the meantime: the next one (or the idle list) gets it.
            release(key, connection, true);
        }
    }

    /**
     * A multiplexed connection's capacity changed (the peer's SETTINGS, or GOAWAY): waiters get
     * the room it has, or, if it takes no more, may open another connection.
     */
    public void capacityChanged(K key, C connection) {
        settleShared(key, connection, false);
    }

    /** Gives back a lease of {@code connection} ({@code released}) or not, then settles it. */
    private void settleShared(K key, C connection, boolean released) {
        List<Handout<S, C>> handouts = new ArrayList<>(1);
        List<PoolOrigin<K, S, C>> toConnect = new ArrayList<>(1);
        boolean close;
        lock.lock();
        try {
            close = ledger.leases().settle(key, connection, released, scheduler.nanoTime(), handouts, toConnect);
        } finally {
            lock.unlock();
        }
        if (close) {
            connection.close();
        }
        admission.finishHandouts(key, handouts, toConnect);
    }

    /** Forgets an idle connection that closed on its own (the server closed it). */
    public void evict(K key, C connection) {
        List<PoolOrigin<K, S, C>> toConnect = new ArrayList<>(1);
        lock.lock();
        try {
            ledger.evict(key, connection, toConnect);
        } finally {
            lock.unlock();
        }
        connection.close();
        toConnect.forEach(admission::connectForWaiter);
    }

    /** Returns the current counters of each origin that holds a connection, a place or a waiter. */
    public Map<K, Stats> statsByOrigin() {
        lock.lock();
        try {
            return ledger.statsByOrigin();
        } finally {
            lock.unlock();
        }
    }

    /** Returns the current counters. */
    public Stats stats() {
        lock.lock();
        try {
            return ledger.stats();
        } finally {
            lock.unlock();
        }
    }

    /** Closes every idle connection and fails every waiter; leased ones close when released. */
    public void close() {
        List<C> toClose = new ArrayList<>();
        List<PoolWaiter<S, C>> toFail = new ArrayList<>();
        lock.lock();
        try {
            if (!ledger.close(toClose, toFail)) {
                return;
            }
            if (sweeper != null) {
                sweeper.cancel();
            }
        } finally {
            lock.unlock();
        }
        toClose.forEach(Pooled::close);
        toFail.forEach(w -> w.completeExceptionally(new PoolClosedException()));
    }

    /** Under the lock: starts the idle sweep, once. */
    private void startSweeper() {
        if (sweeper == null) {
            long period = Math.max(TimeUnit.MILLISECONDS.toNanos(100), idleTimeoutNanos / 4);
            sweeper = scheduler.scheduleWithFixedDelay(this::sweep, period);
        }
    }

    private void sweep() {
        List<C> toClose = new ArrayList<>();
        lock.lock();
        try {
            ledger.sweep(scheduler.nanoTime(), idleTimeoutNanos, toClose);
        } finally {
            lock.unlock();
        }
        toClose.forEach(Pooled::close);
    }
}
