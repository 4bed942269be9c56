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
 * {@link Scheduler} the pool is given. Today a connection carries one exchange at a time
 * (HTTP/1.1); how a multiplexed one will fit is planned in the
 * {@linkplain io.posthaste.internal.connection package}.
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
        int allocated;
        int connecting;

        Origin(K key) {
            this.key = key;
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
        this.maxPerOrigin = maxPerOrigin;
        this.maxTotal = maxTotal;
        this.idleTimeoutNanos = idleTimeoutNanos;
        this.scheduler = scheduler;
        this.connector = connector;
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
            if (toClose != null) {
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
            if (fresh && origin.allocated >= maxPerOrigin && (idle = origin.idle.pollLast()) != null) {
                forget(origin);
                toClose.add(idle);
            }
            if (origin.allocated < maxPerOrigin && makeRoom(toClose)) {
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

    /** Forgets an idle connection that closed on its own (the server closed it). */
    public void evict(K key, C connection) {
        List<Origin> toConnect = new ArrayList<>(1);
        lock.lock();
        try {
            Origin origin = origins.get(key);
            if (origin != null && origin.idle.remove(connection)) {
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
            lock.lock();
            try {
                origin.connecting--;
                if (failure != null) {
                    forget(origin);
                    admitWaiters(toConnect);
                }
            } finally {
                lock.unlock();
            }
            toConnect.forEach(this::connectForWaiter);
            if (failure != null) {
                result.completeExceptionally(failure);
            } else if (!result.complete(connection)) {
                release(origin.key, connection, true);
            }
        });
        return result;
    }

    /**
     * Opens a connection, with its own connect spec, for the first waiter of {@code origin}, in a
     * place {@link #admitWaiters} counted for it.
     */
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
            while (queued-- > 0 && origin.allocated < maxPerOrigin && totalAllocated < maxTotal) {
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
