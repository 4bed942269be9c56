package io.posthaste.internal.connection;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A {@link ConnectionPool}'s state and the decisions made under its lock: the origins, the
 * places counted against the caps, which waiters may connect now (admission), the room the
 * total cap makes by closing another origin's idle connection; the leasing of multiplexed
 * connections is in {@link MultiplexedLeases}. It never calls out: what is to be closed,
 * connected or handed over is added to the lists it is given, for the pool to do once the lock
 * is released.
 *
 * <p>Threading: every method is called with the pool's lock held.
 *
 * @param <K> the origin key
 * @param <S> the connect spec
 * @param <C> the connection type
 */
final class PoolLedger<K, S, C extends ConnectionPool.Pooled> {

    private final int maxPerOrigin;
    private final int maxTotal;
    private final Predicate<K> mayMultiplex;
    private final Runnable onRest;
    private final MultiplexedLeases<K, S, C> leases = new MultiplexedLeases<>(this);
    private final Map<K, PoolOrigin<K, S, C>> origins = new HashMap<>();
    private int totalAllocated;
    private boolean closed;
    /**
     * Connections forgotten under the lock for the pool to close outside it (unusable idle ones
     * pollIdle met, one released unreusable); made only when one is met, as the common release
     * and poll forget none.
     */
    private List<C> unusable;
    /** Origins whose waiters a release admitted to connect; made only when one is admitted. */
    private List<PoolOrigin<K, S, C>> admitted;

    /**
     * @param onRest runs (under the lock) when a connection starts to rest, idle: the pool's
     *     sweep must run
     */
    PoolLedger(int maxPerOrigin, int maxTotal, Predicate<K> mayMultiplex, Runnable onRest) {
        this.maxPerOrigin = maxPerOrigin;
        this.maxTotal = maxTotal;
        this.mayMultiplex = mayMultiplex;
        this.onRest = onRest;
    }

    /** Returns the leasing of multiplexed connections. */
    MultiplexedLeases<K, S, C> leases() {
        return leases;
    }

    boolean isClosed() {
        return closed;
    }

    /** Returns the bookkeeping of {@code key}, or null if it never had a connection. */
    PoolOrigin<K, S, C> get(K key) {
        return origins.get(key);
    }

    /** Returns the bookkeeping of {@code key}, made if need be. */
    PoolOrigin<K, S, C> getOrAdd(K key) {
        return origins.computeIfAbsent(key, PoolOrigin::new);
    }

    /** A connection starts to rest, idle: the sweep must run. */
    void onRest() {
        onRest.run();
    }

    boolean mayMultiplex(K key) {
        return mayMultiplex.test(key);
    }

    /** Counts one more place of {@code origin}, for a connect in flight if {@code connecting}. */
    void allocate(PoolOrigin<K, S, C> origin, boolean connecting) {
        origin.allocated++;
        totalAllocated++;
        if (connecting) {
            origin.connecting++;
        }
    }

    /** Gives back one place of {@code origin}. */
    void forget(PoolOrigin<K, S, C> origin) {
        origin.allocated--;
        totalAllocated--;
    }

    boolean isAtOriginCap(PoolOrigin<K, S, C> origin) {
        return origin.allocated >= maxPerOrigin;
    }

    boolean isAtTotalCap() {
        return totalAllocated >= maxTotal;
    }

    /**
     * Whether a request to {@code origin} may open a connection now: the cap allows it, and it
     * need not wait for a multiplexed connection (one usable or being opened serves every
     * request to an origin that multiplexes, or may).
     */
    boolean mayConnect(PoolOrigin<K, S, C> origin) {
        if (isAtOriginCap(origin)) {
            return false;
        }
        if (Boolean.FALSE.equals(origin.multiplexed) || !mayMultiplex.test(origin.key)) {
            return true;
        }
        return origin.connecting == 0 && !origin.hasUsableShared();
    }

    /** Reserves places for waiters that can now connect, first come; adds their origins to {@code toConnect}. */
    void admitWaiters(List<PoolOrigin<K, S, C>> toConnect) {
        for (PoolOrigin<K, S, C> origin : origins.values()) {
            int queued = origin.waiters.size();
            while (queued-- > 0 && mayConnect(origin) && totalAllocated < maxTotal) {
                allocate(origin, true);
                toConnect.add(origin);
            }
        }
    }

    /** Returns whether any origin has a waiter. */
    boolean hasWaiters() {
        for (PoolOrigin<K, S, C> origin : origins.values()) {
            if (!origin.waiters.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** Returns whether a waiter could connect but for the total cap. */
    boolean hasWaiterHeldBackByTotalCap() {
        for (PoolOrigin<K, S, C> origin : origins.values()) {
            if (!origin.waiters.isEmpty() && origin.allocated < maxPerOrigin) {
                return true;
            }
        }
        return false;
    }

    /** Frees a place in the total cap by closing (adding to {@code toClose}) another origin's idle connection. */
    boolean makeRoom(List<C> toClose) {
        if (totalAllocated < maxTotal) {
            return true;
        }
        for (PoolOrigin<K, S, C> other : origins.values()) {
            C oldest = other.idle.pollLast();
            if (oldest != null) {
                forget(other);
                toClose.add(oldest);
                return true;
            }
        }
        return false;
    }

    /**
     * Takes a place for a connection to {@code key} kept outside the pool, if the caps allow one
     * now (another origin's idle connection added to {@code toClose} if that makes room).
     */
    boolean reserve(K key, List<C> toClose) {
        if (closed) {
            return false;
        }
        PoolOrigin<K, S, C> origin = getOrAdd(key);
        if (isAtOriginCap(origin) || !origin.waiters.isEmpty() || !makeRoom(toClose)) {
            return false;
        }
        allocate(origin, false);
        return true;
    }

    /**
     * Leases room on a multiplexed connection to {@code key}, or else takes its newest usable
     * idle connection; returns null if there is neither. Unusable ones found on the way are
     * forgotten, to be closed: see {@link #takeUnusable()}. Allocates nothing when all is well
     * (the fast path of every request).
     */
    C pollIdle(K key) {
        PoolOrigin<K, S, C> origin = closed ? null : origins.get(key);
        if (origin == null) {
            return null;
        }
        if (!origin.shared.isEmpty()) {
            C stream = leases.leaseShared(origin, unusable());
            if (stream != null) {
                return stream;
            }
        }
        return origin.idle.isEmpty() ? null : pollUsableIdle(origin, unusable());
    }

    private List<C> unusable() {
        if (unusable == null) {
            unusable = new ArrayList<>(2);
        }
        return unusable;
    }

    /** Returns the connections {@link #pollIdle} or {@link #release} forgot, for the pool to close; null if none. */
    List<C> takeUnusable() {
        List<C> taken = unusable;
        if (taken == null || taken.isEmpty()) {
            return null; // an empty list stays, for the next poll: no list per request
        }
        unusable = null;
        return taken;
    }

    /** Returns the origins whose waiters {@link #release} admitted to connect; null if none. */
    List<PoolOrigin<K, S, C>> takeAdmitted() {
        List<PoolOrigin<K, S, C>> taken = admitted;
        admitted = null;
        return taken == null || taken.isEmpty() ? null : taken;
    }

    private List<PoolOrigin<K, S, C>> admitted() {
        if (admitted == null) {
            admitted = new ArrayList<>(1);
        }
        return admitted;
    }

    /** Takes the newest usable idle connection of {@code origin}, or null; unusable ones go to {@code toClose}. */
    C pollUsableIdle(PoolOrigin<K, S, C> origin, List<C> toClose) {
        C idle;
        while ((idle = origin.idle.pollFirst()) != null) {
            if (idle.isUsable()) {
                return idle;
            }
            forget(origin);
            toClose.add(idle);
        }
        return null;
    }

    /**
     * An HTTP/1.1-style {@code connection} to {@code key} comes back. Returns the waiter to hand
     * it to, or null: then it rests idle (stamped {@code now}), or is forgotten for the pool to
     * close ({@link #takeUnusable}) — if it is not {@code reusable}, or a waiter of another origin
     * is held back only by the total cap (this connection is that room) — and waiters may
     * connect ({@link #takeAdmitted}). The common case, a connection resting or handed on, makes
     * no garbage.
     */
    PoolWaiter<S, C> release(K key, C connection, boolean reusable, long now) {
        PoolOrigin<K, S, C> origin = origins.get(key);
        if (origin == null) {
            unusable().add(connection);
            return null;
        }
        if (!reusable || closed || !connection.isUsable()) {
            forget(origin);
            unusable().add(connection);
            if (hasWaiters()) {
                admitWaiters(admitted());
            }
            return null;
        }
        PoolWaiter<S, C> handTo = origin.waiters.pollFirst();
        if (handTo == null && isAtTotalCap() && hasWaiterHeldBackByTotalCap()) {
            forget(origin);
            unusable().add(connection);
            admitWaiters(admitted());
        } else if (handTo == null) {
            origin.idle.addFirst(connection);
            connection.idleSince(now);
            onRest.run();
        }
        return handTo;
    }

    /** Forgets {@code connection} if it rests (it closed on its own); waiters may then connect. */
    void evict(K key, C connection, List<PoolOrigin<K, S, C>> toConnect) {
        PoolOrigin<K, S, C> origin = origins.get(key);
        PoolOrigin.Shared<C> shared = origin == null ? null : origin.find(connection);
        if (shared != null && shared.leases == 0) {
            origin.shared.remove(shared);
        } else if (origin == null || !origin.idle.remove(connection)) {
            return;
        }
        forget(origin);
        admitWaiters(toConnect);
    }

    /**
     * A connection to {@code origin} was opened, for the request it is about to be handed to. The
     * origin now knows its protocol: a multiplexed connection is leased to that request and its
     * room goes to the waiters; otherwise waiters that held back for the answer may connect.
     */
    void onConnected(
            PoolOrigin<K, S, C> origin,
            C connection,
            List<MultiplexedLeases.Handout<S, C>> handouts,
            List<PoolOrigin<K, S, C>> toConnect) {
        origin.connecting--;
        origin.multiplexed = connection.isMultiplexed();
        if (connection.isMultiplexed()) {
            PoolOrigin.Shared<C> shared = new PoolOrigin.Shared<>(connection);
            shared.leases = 1;
            origin.shared.add(shared);
            leases.handOutShared(origin, handouts);
        }
        admitWaiters(toConnect);
    }

    /** Forgets, and adds to {@code toClose}, every resting connection idle since {@code idleBefore} or unusable. */
    void sweep(long now, long idleTimeoutNanos, List<C> toClose) {
        for (PoolOrigin<K, S, C> origin : origins.values()) {
            for (Iterator<PoolOrigin.Shared<C>> it = origin.shared.iterator(); it.hasNext(); ) {
                PoolOrigin.Shared<C> shared = it.next();
                if (shared.leases == 0 && isStale(shared.connection, now, idleTimeoutNanos)) {
                    it.remove();
                    forget(origin);
                    toClose.add(shared.connection);
                }
            }
            for (Iterator<C> it = origin.idle.iterator(); it.hasNext(); ) {
                C connection = it.next();
                if (isStale(connection, now, idleTimeoutNanos)) {
                    it.remove();
                    forget(origin);
                    toClose.add(connection);
                }
            }
        }
    }

    private static boolean isStale(ConnectionPool.Pooled connection, long now, long idleTimeoutNanos) {
        return !connection.isUsable() || now - connection.idleSince() >= idleTimeoutNanos;
    }

    /** Returns the current counters. */
    ConnectionPool.Stats stats() {
        int idle = 0;
        int connecting = 0;
        int waiting = 0;
        for (PoolOrigin<K, S, C> origin : origins.values()) {
            idle += origin.resting();
            connecting += origin.connecting;
            waiting += origin.waiters.size();
        }
        return new ConnectionPool.Stats(totalAllocated - idle - connecting, idle, connecting, waiting);
    }

    /**
     * Returns the counters of each origin holding a place or a waiter, by key: its leased ones
     * are its places neither resting nor connecting (reserved places included).
     */
    Map<K, ConnectionPool.Stats> statsByOrigin() {
        Map<K, ConnectionPool.Stats> byOrigin = new LinkedHashMap<>();
        for (PoolOrigin<K, S, C> origin : origins.values()) {
            if (origin.allocated > 0 || !origin.waiters.isEmpty()) {
                int idle = origin.resting();
                byOrigin.put(
                        origin.key,
                        new ConnectionPool.Stats(
                                origin.allocated - idle - origin.connecting,
                                idle,
                                origin.connecting,
                                origin.waiters.size()));
            }
        }
        return byOrigin;
    }

    /**
     * Closes the books: every resting connection goes to {@code toClose} and every waiter to
     * {@code toFail}; leased connections are closed when released. Returns false if already closed.
     */
    boolean close(List<C> toClose, List<PoolWaiter<S, C>> toFail) {
        if (closed) {
            return false;
        }
        closed = true;
        for (PoolOrigin<K, S, C> origin : origins.values()) {
            toClose.addAll(origin.idle);
            totalAllocated -= origin.idle.size();
            origin.allocated -= origin.idle.size();
            origin.idle.clear();
            for (Iterator<PoolOrigin.Shared<C>> it = origin.shared.iterator(); it.hasNext(); ) {
                PoolOrigin.Shared<C> shared = it.next();
                if (shared.leases == 0) {
                    it.remove();
                    forget(origin);
                    toClose.add(shared.connection);
                }
            }
            toFail.addAll(origin.waiters);
            origin.waiters.clear();
        }
        return true;
    }
}
