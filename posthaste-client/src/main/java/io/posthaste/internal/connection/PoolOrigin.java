package io.posthaste.internal.connection;

import java.util.ArrayDeque;
import java.util.ArrayList;

/**
 * A {@link ConnectionPool}'s bookkeeping for one origin: its idle connections (newest first), its
 * waiters (first come first), its multiplexed connections with their lease counts, and how many
 * places it holds in the caps. Plain state: the pool's lock guards every field.
 *
 * @param <K> the origin key
 * @param <S> the connect spec
 * @param <C> the connection type
 */
final class PoolOrigin<K, S, C extends ConnectionPool.Pooled> {

    /** A multiplexed connection and how many exchanges hold it now. */
    static final class Shared<C> {
        final C connection;
        int leases;

        Shared(C connection) {
            this.connection = connection;
        }
    }

    final K key;
    final ArrayDeque<C> idle = new ArrayDeque<>();
    final ArrayDeque<PoolWaiter<S, C>> waiters = new ArrayDeque<>();
    /** Its multiplexed connections, leased or not (usually one). */
    final ArrayList<Shared<C>> shared = new ArrayList<>(1);
    /** Whether its connections turned out multiplexed; null until one was made. */
    Boolean multiplexed;
    /** Places it holds in the caps: connections open or being opened, and reserved places. */
    int allocated;
    /** Connects in flight. */
    int connecting;

    PoolOrigin(K key) {
        this.key = key;
    }

    /** Returns the entry of multiplexed {@code connection}, or null. */
    Shared<C> find(C connection) {
        for (Shared<C> entry : shared) {
            if (entry.connection == connection) {
                return entry;
            }
        }
        return null;
    }

    /** Returns whether one of its multiplexed connections is usable (with room or not). */
    boolean hasUsableShared() {
        for (Shared<C> entry : shared) {
            if (entry.connection.isUsable()) {
                return true;
            }
        }
        return false;
    }

    /** Returns how many connections rest: idle ones, and multiplexed ones no exchange holds. */
    int resting() {
        int resting = idle.size();
        for (Shared<C> entry : shared) {
            resting += entry.leases == 0 ? 1 : 0;
        }
        return resting;
    }
}
