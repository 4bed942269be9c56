package io.posthaste.internal.connection;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
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
    public record Stats(int leased, int idle, int connecting, int waiting) {
    }

    private final class Origin {
        final K key;
        final ArrayDeque<C> idle = new ArrayDeque<>();
        final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
        /** Its multiplexed connections, leased or not (usually one). */
        final ArrayList<Shared> shared = new ArrayList<>(1);
        /** Whether its connections turned out multiplexed; null until one was made. */
        Boolean multiplexed;
        int allocated;
        int connecting;

        Origin(K key) {
            this.key = key;
        }
    }

    /** A multiplexed connection and how many exchanges hold it now. */
    private final class Shared {
        final C connection;
        int leases;

        Shared(C connection) {
            this.connection = connection;
        }
    }

    /** A request waiting for a place, with what a connection opened for it must honour. */
    private final class Waiter extends CompletableFuture<C> {
        final S spec;

        Waiter(S spec) {
            this.spec = spec;
        }
    }

    private final int maxPerOrigin;
    private final int maxTotal;
    private final long idleTimeoutNanos;
    private final Scheduler scheduler;
    private final BiFunction<K, S, CompletableFuture<C>> connector;
    private final Predicate<K> mayMultiplex;
    private volatile Runnable starved = () -> { };
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<K, Origin> origins = new HashMap<>();
    private int totalAllocated;
    private boolean closed;
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
    public ConnectionPool(int maxPerOrigin, int maxTotal, long idleTimeoutNanos,
            Scheduler scheduler, BiFunction<K, S, CompletableFuture<C>> connector) {
        this(maxPerOrigin, maxTotal, idleTimeoutNanos, scheduler, connector, key -> false);
    }

    /**
     * Creates a pool whose origins may turn out to speak a multiplexed protocol.
     *
     * @param mayMultiplex whether connections to an origin may be multiplexed (HTTP/2 offered):
     *     until one is made, its requests wait for the first connect rather than each open one
     */
    public ConnectionPool(int maxPerOrigin, int maxTotal, long idleTimeoutNanos,
            Scheduler scheduler, BiFunction<K, S, CompletableFuture<C>> connector, Predicate<K> mayMultiplex) {
        this.maxPerOrigin = maxPerOrigin;
        this.maxTotal = maxTotal;
        this.idleTimeoutNanos = idleTimeoutNanos;
        this.scheduler = scheduler;
        this.connector = connector;
        this.mayMultiplex = mayMultiplex;
    }

    /**
     * Returns whether connections to {@code key} may be multiplexed: it may, and no connection
     * has shown it does not.
     */
    public boolean multiplexes(K key) {
        if (!mayMultiplex.test(key)) {
            return false;
        }
        lock.lock();
        try {
            Origin origin = origins.get(key);
            return origin == null || origin.multiplexed != Boolean.FALSE;
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
            if (closed) {
                return false;
            }
            Origin origin = origins.computeIfAbsent(key, Origin::new);
            if (origin.allocated >= maxPerOrigin || !origin.waiters.isEmpty() || !makeRoom(toClose)) {
                return false;
            }
            origin.allocated++;
            totalAllocated++;
            return true;
        } finally {
            lock.unlock();
            toClose.forEach(Pooled::close);
        }
    }

    /** Gives back a place taken by {@link #tryReserve}; a waiter may now connect. */
    public void unreserve(K key) {
        List<Origin> toConnect = new ArrayList<>(1);
        lock.lock();
        try {
            Origin origin = origins.get(key);
            if (origin == null) {
                return;
            }
            forget(origin);
            admitWaiters(toConnect);
        } finally {
            lock.unlock();
        }
        toConnect.forEach(this::connectForWaiter);
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
    /**
     * Returns a usable idle connection to {@code key} at once, or null if there is none (then
     * {@link #acquire} connects or waits). Unusable idle ones found on the way are closed. The
     * same as an {@code acquire} that finds an idle connection, without a future.
     */
    public C pollIdle(K key) {
        List<C> toClose = null;
        lock.lock();
        try {
            Origin origin = closed ? null : origins.get(key);
            if (origin == null) {
                return null;
            }
            if (!origin.shared.isEmpty()) {
                toClose = new ArrayList<>(1);
                C stream = leaseShared(origin, toClose);
                if (stream != null) {
                    return stream;
                }
            }
            C idle;
            while ((idle = origin.idle.pollFirst()) != null) {
                if (idle.isUsable()) {
                    return idle;
                }
                forget(origin);
                if (toClose == null) {
                    toClose = new ArrayList<>(2);
                }
                toClose.add(idle);
            }
            return null;
        } finally {
            lock.unlock();
            if (toClose != null && !toClose.isEmpty()) {
                toClose.forEach(Pooled::close);
                admitAfterForgetting();
            }
        }
    }

    public CompletableFuture<C> acquire(K key, S spec, long timeoutNanos, boolean fresh) {
        C idle = fresh ? null : pollIdle(key);
        if (idle != null) {
            return CompletableFuture.completedFuture(idle);
        }
        List<C> toClose = new ArrayList<>(1);
        Waiter result;
        boolean connect = false;
        Origin origin;
        lock.lock();
        try {
            if (closed) {
                return CompletableFuture.failedFuture(new PoolClosedException());
            }
            origin = origins.get(key);
            if (origin == null) {
                origin = new Origin(key);
                origins.put(key, origin);
            }
            // Room on a multiplexed connection is no stale connection: even a fresh request takes it.
            C stream = origin.shared.isEmpty() ? null : leaseShared(origin, toClose);
            if (stream != null) {
                return CompletableFuture.completedFuture(stream);
            }
            if (fresh && origin.allocated >= maxPerOrigin && (idle = origin.idle.pollLast()) != null) {
                forget(origin);
                toClose.add(idle);
            }
            if (mayConnect(origin) && makeRoom(toClose)) {
                origin.allocated++;
                origin.connecting++;
                totalAllocated++;
                connect = true;
                result = null;
            } else {
                result = new Waiter(spec);
                origin.waiters.addLast(result);
            }
        } finally {
            lock.unlock();
            toClose.forEach(Pooled::close);
        }
        if (connect) {
            return connect(origin, spec);
        }
        starved.run();
        return await(result, origin, key, timeoutNanos);
    }

    private CompletableFuture<C> await(Waiter waiter, Origin origin, K key, long timeoutNanos) {
        Scheduler.Task timeout = scheduler.schedule(() -> waiter.completeExceptionally(
                new AcquireTimeoutException("no connection to " + key + " became free within "
                        + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms")), timeoutNanos);
        waiter.whenComplete((connection, failure) -> {
            timeout.cancel();
            if (failure != null) {
                removeWaiter(origin, waiter);
            }
        });
        return waiter;
    }

    /**
     * Gives a connection back. A reusable one goes to the origin's first waiter, else to the idle
     * list — unless a waiter of another origin is held back only by the total cap: then it is
     * closed, and its place goes to that waiter. Any other is closed, and its place goes to a
     * waiter.
     */
    public void release(K key, C connection, boolean reusable) {
        if (connection.isMultiplexed()) {
            releaseStream(key, connection);
            return;
        }
        Waiter handTo = null;
        boolean close = false;
        List<Origin> toConnect = null;
        lock.lock();
        try {
            Origin origin = origins.get(key);
            if (origin == null) {
                close = true;
            } else if (reusable && !closed && connection.isUsable()) {
                handTo = origin.waiters.pollFirst();
                if (handTo == null && totalAllocated >= maxTotal && hasWaiterHeldBackByTotalCap()) {
                    // Another origin's request waits only for room in the total cap: this
                    // connection, idle from now on, is that room.
                    forget(origin);
                    close = true;
                    toConnect = new ArrayList<>(1);
                    admitWaiters(toConnect);
                } else if (handTo == null) {
                    origin.idle.addFirst(connection);
                    connection.idleSince(scheduler.nanoTime());
                    startSweeper();
                }
            } else {
                forget(origin);
                close = true;
                if (hasWaiters()) {
                    toConnect = new ArrayList<>(1);
                    admitWaiters(toConnect);
                }
            }
        } finally {
            lock.unlock();
        }
        if (close) {
            connection.close();
        }
        if (toConnect != null) {
            toConnect.forEach(this::connectForWaiter);
        }
        if (handTo != null && !handTo.complete(connection)) {
            // The waiter gave up in the meantime: the next one (or the idle list) gets it.
            release(key, connection, true);
        }
    }

    /**
     * Gives back one exchange's lease of a multiplexed connection. Whether the connection is kept
     * depends on it alone (one stream's failure does not spoil the others): a usable one takes
     * the next waiters, and rests when no exchange holds it; one no longer usable is closed
     * once its last exchange is over, and waiters may then open another.
     */
    private void releaseStream(K key, C connection) {
        List<Handout> handouts = new ArrayList<>(1);
        List<Origin> toConnect = new ArrayList<>(1);
        boolean close = false;
        lock.lock();
        try {
            Origin origin = origins.get(key);
            Shared shared = origin == null ? null : find(origin, connection);
            if (shared == null) {
                close = true;
            } else {
                shared.leases--;
                close = settle(origin, shared, handouts, toConnect);
            }
        } finally {
            lock.unlock();
        }
        if (close) {
            connection.close();
        }
        finishHandouts(key, handouts, toConnect);
    }

    /**
     * A multiplexed connection's capacity changed (the peer's SETTINGS, or GOAWAY): waiters get
     * the room it has, or, if it takes no more, may open another connection.
     */
    public void capacityChanged(K key, C connection) {
        List<Handout> handouts = new ArrayList<>(1);
        List<Origin> toConnect = new ArrayList<>(1);
        boolean close = false;
        lock.lock();
        try {
            Origin origin = origins.get(key);
            Shared shared = origin == null ? null : find(origin, connection);
            if (shared != null) {
                close = settle(origin, shared, handouts, toConnect);
            }
        } finally {
            lock.unlock();
        }
        if (close) {
            connection.close();
        }
        finishHandouts(key, handouts, toConnect);
    }

    /**
     * Under the lock: after a multiplexed connection's leases or capacity changed, hands its room
     * to waiters, or forgets it if it is unusable and unheld; returns whether to close it.
     */
    private boolean settle(Origin origin, Shared shared, List<Handout> handouts, List<Origin> toConnect) {
        C connection = shared.connection;
        if (closed || !connection.isUsable()) {
            boolean close = shared.leases == 0;
            if (close) {
                origin.shared.remove(shared);
                forget(origin);
            }
            admitWaiters(toConnect);
            return close;
        }
        handOutShared(origin, handouts);
        if (shared.leases == 0) {
            connection.idleSince(scheduler.nanoTime());
            startSweeper();
        }
        return false;
    }

    /** A waiter and the multiplexed connection leased for it, handed over outside the lock. */
    private record Handout(CompletableFuture<?> waiter, Object connection) {
    }

    /** Under the lock: gives waiters of {@code origin} the room its multiplexed connections have. */
    private void handOutShared(Origin origin, List<Handout> handouts) {
        while (!origin.waiters.isEmpty()) {
            C stream = leaseShared(origin, null);
            if (stream == null) {
                return;
            }
            handouts.add(new Handout(origin.waiters.pollFirst(), stream));
        }
    }

    @SuppressWarnings("unchecked") // Handout holds a Waiter and a C, typed loosely to stay a record
    private void finishHandouts(K key, List<Handout> handouts, List<Origin> toConnect) {
        toConnect.forEach(this::connectForWaiter);
        for (Handout handout : handouts) {
            C connection = (C) handout.connection();
            if (!((CompletableFuture<C>) handout.waiter()).complete(connection)) {
                // The waiter gave up meanwhile: its lease goes to the next one.
                releaseStream(key, connection);
            }
        }
    }

    /**
     * Under the lock: leases the first usable multiplexed connection of {@code origin} with room,
     * or returns null. Unusable ones no exchange holds are forgotten and added to
     * {@code toClose} (if not null).
     */
    private C leaseShared(Origin origin, List<C> toClose) {
        for (int i = 0; i < origin.shared.size(); i++) {
            Shared shared = origin.shared.get(i);
            C connection = shared.connection;
            if (!connection.isUsable()) {
                if (shared.leases == 0 && toClose != null) {
                    origin.shared.remove(i--);
                    forget(origin);
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

    private Shared find(Origin origin, C connection) {
        for (Shared shared : origin.shared) {
            if (shared.connection == connection) {
                return shared;
            }
        }
        return null;
    }

    /**
     * Under the lock: whether a request to {@code origin} may open a connection now: the cap
     * allows it, and it need not wait for a multiplexed connection (one usable or being opened
     * serves every request to an origin that multiplexes, or may).
     */
    private boolean mayConnect(Origin origin) {
        if (origin.allocated >= maxPerOrigin) {
            return false;
        }
        if (origin.multiplexed == Boolean.FALSE || !mayMultiplex.test(origin.key)) {
            return true;
        }
        if (origin.connecting > 0) {
            return false;
        }
        for (Shared shared : origin.shared) {
            if (shared.connection.isUsable()) {
                return false;
            }
        }
        return true;
    }

    /** Forgets an idle connection that closed on its own (the server closed it). */
    public void evict(K key, C connection) {
        List<Origin> toConnect = new ArrayList<>(1);
        lock.lock();
        try {
            Origin origin = origins.get(key);
            Shared shared = origin == null ? null : find(origin, connection);
            if (shared != null && shared.leases == 0) {
                origin.shared.remove(shared);
                forget(origin);
                admitWaiters(toConnect);
            } else if (origin != null && origin.idle.remove(connection)) {
                forget(origin);
                admitWaiters(toConnect);
            }
        } finally {
            lock.unlock();
        }
        connection.close();
        toConnect.forEach(this::connectForWaiter);
    }

    /** Returns the current counters. */
    public Stats stats() {
        lock.lock();
        try {
            int idle = 0;
            int connecting = 0;
            int waiting = 0;
            for (Origin origin : origins.values()) {
                idle += origin.idle.size();
                for (Shared shared : origin.shared) {
                    idle += shared.leases == 0 ? 1 : 0;
                }
                connecting += origin.connecting;
                waiting += origin.waiters.size();
            }
            return new Stats(totalAllocated - idle - connecting, idle, connecting, waiting);
        } finally {
            lock.unlock();
        }
    }

    /** Closes every idle connection and fails every waiter; leased ones close when released. */
    public void close() {
        List<C> toClose = new ArrayList<>();
        List<Waiter> toFail = new ArrayList<>();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (Origin origin : origins.values()) {
                toClose.addAll(origin.idle);
                totalAllocated -= origin.idle.size();
                origin.allocated -= origin.idle.size();
                origin.idle.clear();
                for (Iterator<Shared> it = origin.shared.iterator(); it.hasNext(); ) {
                    Shared shared = it.next();
                    if (shared.leases == 0) {
                        it.remove();
                        forget(origin);
                        toClose.add(shared.connection);
                    }
                }
                toFail.addAll(origin.waiters);
                origin.waiters.clear();
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

    /**
     * Opens a connection with {@code spec} for a place already counted. Cancelling the returned
     * future aborts the connect; a connection that completes for nobody goes to the idle list for
     * the next request.
     */
    private CompletableFuture<C> connect(Origin origin, S spec) {
        CompletableFuture<C> connected;
        try {
            connected = connector.apply(origin.key, spec);
        } catch (RuntimeException e) {
            connected = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<C> attempt = connected;
        CompletableFuture<C> result = new CompletableFuture<>() {
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                boolean cancelled = super.cancel(mayInterruptIfRunning);
                attempt.cancel(false);
                return cancelled;
            }
        };
        connected.whenComplete((connection, failure) -> {
            List<Origin> toConnect = new ArrayList<>(1);
            List<Handout> handouts = new ArrayList<>(0);
            lock.lock();
            try {
                origin.connecting--;
                if (failure != null) {
                    forget(origin);
                    admitWaiters(toConnect);
                } else {
                    onConnected(origin, connection, handouts, toConnect);
                }
            } finally {
                lock.unlock();
            }
            finishHandouts(origin.key, handouts, toConnect);
            if (failure != null) {
                result.completeExceptionally(failure);
            } else if (!result.complete(connection)) {
                release(origin.key, connection, true);
            }
        });
        return result;
    }

    /**
     * Under the lock: a connection to {@code origin} was opened, for the request it is about to
     * be handed to. The origin now knows its protocol: a multiplexed connection is leased to that
     * request and its room goes to the waiters; otherwise waiters that held back for the answer
     * may connect.
     */
    private void onConnected(Origin origin, C connection, List<Handout> handouts, List<Origin> toConnect) {
        origin.multiplexed = connection.isMultiplexed();
        if (connection.isMultiplexed()) {
            Shared shared = new Shared(connection);
            shared.leases = 1;
            origin.shared.add(shared);
            handOutShared(origin, handouts);
        }
        admitWaiters(toConnect);
    }

    /** Gives places freed outside a release (dead idle connections) to waiters, first come. */
    private void admitAfterForgetting() {
        List<Origin> toConnect = new ArrayList<>(1);
        lock.lock();
        try {
            admitWaiters(toConnect);
        } finally {
            lock.unlock();
        }
        toConnect.forEach(this::connectForWaiter);
    }

    private void connectForWaiter(Origin origin) {
        Waiter waiter;
        List<Origin> toConnect = null;
        lock.lock();
        try {
            waiter = origin.waiters.pollFirst();
            if (waiter == null) {
                // Every waiter here gave up since the place was counted: it may serve another
                // origin's waiter, which the total cap held back.
                origin.connecting--;
                forget(origin);
                toConnect = new ArrayList<>(1);
                admitWaiters(toConnect);
            }
        } finally {
            lock.unlock();
        }
        if (waiter == null) {
            toConnect.forEach(this::connectForWaiter);
            return;
        }
        CompletableFuture<C> attempt = connect(origin, waiter.spec);
        // A waiter that gives up while its connection is being opened aborts the attempt.
        waiter.whenComplete((connection, failure) -> {
            if (waiter.isCancelled() || failure != null && !attempt.isDone()) {
                attempt.cancel(false);
            }
        });
        attempt.whenComplete((connection, failure) -> {
            if (failure != null) {
                waiter.completeExceptionally(failure);
            } else if (!waiter.complete(connection)) {
                release(origin.key, connection, true);
            }
        });
    }

    /** Under the lock: returns whether any origin has a waiter. */
    private boolean hasWaiters() {
        for (Origin origin : origins.values()) {
            if (!origin.waiters.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** Under the lock: returns whether a waiter could connect but for the total cap. */
    private boolean hasWaiterHeldBackByTotalCap() {
        for (Origin origin : origins.values()) {
            if (!origin.waiters.isEmpty() && origin.allocated < maxPerOrigin) {
                return true;
            }
        }
        return false;
    }

    /** Under the lock: reserves places for waiters that can now connect. */
    private void admitWaiters(List<Origin> toConnect) {
        for (Origin origin : origins.values()) {
            int queued = origin.waiters.size();
            while (queued-- > 0 && mayConnect(origin) && totalAllocated < maxTotal) {
                origin.allocated++;
                origin.connecting++;
                totalAllocated++;
                toConnect.add(origin);
            }
        }
    }

    /** Under the lock: frees a place in the total cap by closing another origin's idle connection. */
    private boolean makeRoom(List<C> toClose) {
        if (totalAllocated < maxTotal) {
            return true;
        }
        for (Origin other : origins.values()) {
            C oldest = other.idle.pollLast();
            if (oldest != null) {
                forget(other);
                toClose.add(oldest);
                return true;
            }
        }
        return false;
    }

    private void forget(Origin origin) {
        origin.allocated--;
        totalAllocated--;
    }

    private void removeWaiter(Origin origin, Waiter waiter) {
        lock.lock();
        try {
            origin.waiters.remove(waiter);
        } finally {
            lock.unlock();
        }
    }

    private void startSweeper() {
        if (sweeper == null) {
            long period = Math.max(TimeUnit.MILLISECONDS.toNanos(100), idleTimeoutNanos / 4);
            sweeper = scheduler.scheduleWithFixedDelay(this::sweep, period);
        }
    }

    private void sweep() {
        List<C> toClose = new ArrayList<>();
        long now = scheduler.nanoTime();
        lock.lock();
        try {
            for (Origin origin : origins.values()) {
                for (Iterator<Shared> it = origin.shared.iterator(); it.hasNext(); ) {
                    Shared shared = it.next();
                    C connection = shared.connection;
                    if (shared.leases == 0 && (!connection.isUsable()
                            || now - connection.idleSince() >= idleTimeoutNanos)) {
                        it.remove();
                        forget(origin);
                        toClose.add(connection);
                    }
                }
                for (Iterator<C> it = origin.idle.iterator(); it.hasNext(); ) {
                    C connection = it.next();
                    if (!connection.isUsable() || now - connection.idleSince() >= idleTimeoutNanos) {
                        it.remove();
                        forget(origin);
                        toClose.add(connection);
                    }
                }
            }
        } finally {
            lock.unlock();
        }
        toClose.forEach(Pooled::close);
    }
}
