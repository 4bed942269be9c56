package io.posthaste.internal.connection;

import io.posthaste.internal.connection.ConnectionPool.AcquireTimeoutException;
import io.posthaste.internal.connection.MultiplexedLeases.Handout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;

/**
 * The waiter side of a {@link ConnectionPool}: opens a connection for each place the
 * {@link PoolLedger} admitted, hands connections and multiplexed leases to waiters, and times
 * waiters out. A connection that completes for nobody (its waiter gave up) goes back to the pool
 * as released, so the next waiter or the idle list gets it.
 *
 * <p>Threading: any thread, never holding the pool's lock while calling out (connector, futures).
 *
 * @param <K> the origin key
 * @param <S> the connect spec
 * @param <C> the connection type
 */
final class WaiterAdmission<K, S, C extends ConnectionPool.Pooled> {

    private final ConnectionPool<K, S, C> pool;
    private final ReentrantLock lock;
    private final PoolLedger<K, S, C> ledger;
    private final Scheduler scheduler;
    private final BiFunction<K, S, CompletableFuture<C>> connector;

    WaiterAdmission(
            ConnectionPool<K, S, C> pool,
            ReentrantLock lock,
            PoolLedger<K, S, C> ledger,
            Scheduler scheduler,
            BiFunction<K, S, CompletableFuture<C>> connector) {
        this.pool = pool;
        this.lock = lock;
        this.ledger = ledger;
        this.scheduler = scheduler;
        this.connector = connector;
    }

    /** Returns {@code waiter}, failed after {@code timeoutNanos} and out of line once it fails. */
    CompletableFuture<C> await(PoolWaiter<S, C> waiter, PoolOrigin<K, S, C> origin, K key, long timeoutNanos) {
        Scheduler.Task timeout = scheduler.schedule(
                () -> waiter.completeExceptionally(new AcquireTimeoutException("no connection to " + key
                        + " became free within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms")),
                timeoutNanos);
        waiter.whenComplete((connection, failure) -> {
            timeout.cancel();
            if (failure != null) {
                removeWaiter(origin, waiter);
            }
        });
        return waiter;
    }

    /** Opens connections for {@code toConnect}, then hands each lease over (or back, if its waiter left). */
    void finishHandouts(K key, List<Handout<S, C>> handouts, List<PoolOrigin<K, S, C>> toConnect) {
        toConnect.forEach(this::connectForWaiter);
        for (Handout<S, C> handout : handouts) {
            if (!handout.waiter().complete(handout.connection())) {
                // The waiter gave up meanwhile: its lease goes to the next one.
                pool.release(key, handout.connection(), true);
            }
        }
    }

    /**
     * Opens a connection with {@code spec} for a place already counted. Cancelling the returned
     * future aborts the connect; a connection that completes for nobody goes to the idle list for
     * the next request.
     */
    CompletableFuture<C> connect(PoolOrigin<K, S, C> origin, S spec) {
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
            List<PoolOrigin<K, S, C>> toConnect = new ArrayList<>(1);
            List<Handout<S, C>> handouts = new ArrayList<>(0);
            lock.lock();
            try {
                if (failure != null) {
                    origin.connecting--;
                    ledger.forget(origin);
                    ledger.admitWaiters(toConnect);
                } else {
                    ledger.onConnected(origin, connection, handouts, toConnect);
                }
            } finally {
                lock.unlock();
            }
            finishHandouts(origin.key, handouts, toConnect);
            if (failure != null) {
                result.completeExceptionally(failure);
            } else if (!result.complete(connection)) {
                pool.release(origin.key, connection, true);
            }
        });
        return result;
    }

    /** Gives places freed outside a release (dead idle connections) to waiters, first come. */
    void admitAfterForgetting() {
        List<PoolOrigin<K, S, C>> toConnect = new ArrayList<>(1);
        lock.lock();
        try {
            ledger.admitWaiters(toConnect);
        } finally {
            lock.unlock();
        }
        toConnect.forEach(this::connectForWaiter);
    }

    /** Opens a connection for the first waiter of {@code origin}, whose place is counted. */
    void connectForWaiter(PoolOrigin<K, S, C> origin) {
        PoolWaiter<S, C> waiter;
        List<PoolOrigin<K, S, C>> toConnect = new ArrayList<>(0);
        lock.lock();
        try {
            waiter = origin.waiters.pollFirst();
            if (waiter == null) {
                // Every waiter here gave up since the place was counted: it may serve another
                // origin's waiter, which the total cap held back.
                origin.connecting--;
                ledger.forget(origin);
                ledger.admitWaiters(toConnect);
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
                pool.release(origin.key, connection, true);
            }
        });
    }

    private void removeWaiter(PoolOrigin<K, S, C> origin, PoolWaiter<S, C> waiter) {
        lock.lock();
        try {
            origin.waiters.remove(waiter);
        } finally {
            lock.unlock();
        }
    }
}
