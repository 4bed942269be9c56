package io.posthaste.internal.connection;

import io.posthaste.Timeouts;
import io.posthaste.internal.session.VirtualThreads;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The session's {@link CallerLoop}s, one per platform thread that calls {@code send()}, at most
 * one per place in the pool's total cap. A loop nobody has driven for the idle timeout, or whose
 * thread has ended, is retired by a periodic sweep; all idle ones are retired at once when a
 * request has to wait for a place in the pool, so a connection kept by a thread that has gone
 * quiet never starves another thread. While requests wait for places (and for a second after),
 * no new loop is made and loops keep no connection after a call: under a saturated pool the
 * shared one serves everybody, rather than loops being made and retired request after request.
 */
public final class CallerLoops<C extends Connection> {

    private static final long CROWDED_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final NettyTransport transport;
    private final SharedConnections<C> shared;
    private final Connector<C> connector;
    private final long idleTimeoutNanos;
    private final int maxLoops;
    private final Map<Thread, CallerLoop<C>> loops = new ConcurrentHashMap<>();
    private final AtomicInteger keptIdle = new AtomicInteger();
    /** The same, by origin: a loop's kept connection counts toward its origin's idle ones. */
    private final Map<Origin, AtomicInteger> keptIdleByOrigin = new ConcurrentHashMap<>();
    /** Until when no new loop is made, because requests had to wait for a place (nanoTime). */
    private volatile long crowdedUntilNanos = System.nanoTime();

    private volatile boolean closing;
    private ScheduledFuture<?> sweeper;

    /**
     * Creates the loops' registry.
     *
     * @param transport makes the loops, and closes connections nobody drives
     * @param shared the shared connections: their pool's caps count the loops' connections too,
     *     and they serve a loop's calls when the pool has no place for a connection of its own
     * @param connector opens a loop's own connections
     * @param idleTimeoutNanos how long a loop may go undriven before it is retired
     * @param maxLoops the most loops at once
     */
    public CallerLoops(
            NettyTransport transport,
            SharedConnections<C> shared,
            Connector<C> connector,
            long idleTimeoutNanos,
            int maxLoops) {
        this.transport = transport;
        this.shared = shared;
        this.connector = connector;
        this.idleTimeoutNanos = idleTimeoutNanos;
        this.maxLoops = maxLoops;
        shared.pool().onStarved(this::retireIdle);
    }

    NettyTransport transport() {
        return transport;
    }

    ConnectionPool<Origin, Timeouts, C> pool() {
        return shared.pool();
    }

    SharedConnections<C> shared() {
        return shared;
    }

    Connector<C> connector() {
        return connector;
    }

    /** Counts connections kept idle by the loops (they are idle, not leased, in the pool's stats). */
    void keptIdle(Origin origin, int delta) {
        keptIdle.addAndGet(delta);
        keptIdleByOrigin.computeIfAbsent(origin, o -> new AtomicInteger()).addAndGet(delta);
    }

    /** Returns how many connections the loops keep idle. */
    public int keptIdle() {
        return keptIdle.get();
    }

    /** Returns how many connections to {@code origin} the loops keep idle. */
    public int keptIdle(Origin origin) {
        AtomicInteger kept = keptIdleByOrigin.get(origin);
        return kept == null ? 0 : kept.get();
    }

    boolean isClosing() {
        return closing;
    }

    /**
     * Returns the calling thread's loop, now driven by it, or null when the thread should wait
     * for the shared loops instead: a virtual thread (it parks cheaply and must not pin its
     * carrier in its selector's wait), a thread already inside {@code send()} on this session
     * (a blocking call from an interceptor), a closing session, or no place for another loop.
     */
    public CallerLoop<C> enter() {
        Thread thread = Thread.currentThread();
        CallerLoop<C> own = loops.get(thread);
        if (own == null) {
            if (closing || loops.size() >= maxLoops || VirtualThreads.isVirtual(thread) || isCrowded()) {
                return null;
            }
            own = new CallerLoop<>(this, transport.newCallerLoop(thread), thread);
            loops.put(thread, own);
            startSweeper();
        }
        if (!own.enter()) {
            return null;
        }
        if (closing) {
            own.exit();
            return null;
        }
        return own;
    }

    /** Returns the loop the calling thread is driving right now, if any. */
    public CallerLoop<C> driving() {
        if (loops.isEmpty()) {
            return null;
        }
        CallerLoop<C> own = loops.get(Thread.currentThread());
        return own != null && own.isDrivenByCurrentThread() ? own : null;
    }

    /** Forgets a retired loop. */
    void forget(CallerLoop<C> loop) {
        loops.remove(loop.owner(), loop);
    }

    /**
     * Retires every idle loop and closes the connections of the ones being driven (their
     * owners retire them on the way out). Any thread.
     */
    public void close() {
        closing = true;
        synchronized (this) {
            if (sweeper != null) {
                sweeper.cancel(false);
            }
        }
        for (CallerLoop<C> loop : loops.values()) {
            if (loop.tryRetire()) {
                loop.retire();
            } else {
                try {
                    loop.loop().execute(loop::closeConnections);
                } catch (java.util.concurrent.RejectedExecutionException retired) {
                    // Its owner retired it in the meantime.
                }
            }
        }
    }

    /**
     * A request could not get a place: for a while no new loop is made and no loop keeps a
     * connection after a call, so that places go back to the requests waiting for them.
     */
    void crowded() {
        crowdedUntilNanos = System.nanoTime() + CROWDED_NANOS;
    }

    boolean isCrowded() {
        return System.nanoTime() - crowdedUntilNanos < 0;
    }

    private void retireIdle() {
        crowded();
        for (CallerLoop<C> loop : loops.values()) {
            if (loop.tryRetire()) {
                loop.retire();
            }
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        for (CallerLoop<C> loop : loops.values()) {
            boolean stale =
                    loop.idleNanos(now) >= idleTimeoutNanos || !loop.owner().isAlive();
            if (stale && loop.tryRetire()) {
                loop.retire();
            }
        }
    }

    private synchronized void startSweeper() {
        if (sweeper == null && !closing) {
            // At least once a second, so that a thread's end frees its connections soon.
            long period = Math.min(
                    TimeUnit.SECONDS.toNanos(1), Math.max(TimeUnit.MILLISECONDS.toNanos(100), idleTimeoutNanos / 4));
            sweeper =
                    transport.group().next().scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.NANOSECONDS);
        }
    }
}
