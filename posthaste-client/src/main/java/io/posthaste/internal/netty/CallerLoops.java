package io.posthaste.internal.netty;

import io.posthaste.Timeouts;
import io.posthaste.internal.chain.VirtualThreads;
import io.posthaste.internal.pool.ConnectionPool;
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
final class CallerLoops {

    private static final long CROWDED_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final NettyTransport transport;
    private final ConnectionPool<Origin, Timeouts, HttpConnection> pool;
    private final long idleTimeoutNanos;
    private final int maxLoops;
    private final Map<Thread, CallerLoop> loops = new ConcurrentHashMap<>();
    private final AtomicInteger keptIdle = new AtomicInteger();
    /** Until when no new loop is made, because requests had to wait for a place (nanoTime). */
    private volatile long crowdedUntilNanos = System.nanoTime();
    private volatile boolean closing;
    private ScheduledFuture<?> sweeper;

    CallerLoops(NettyTransport transport, ConnectionPool<Origin, Timeouts, HttpConnection> pool,
            long idleTimeoutNanos, int maxLoops) {
        this.transport = transport;
        this.pool = pool;
        this.idleTimeoutNanos = idleTimeoutNanos;
        this.maxLoops = maxLoops;
        pool.onStarved(this::retireIdle);
    }

    NettyTransport transport() {
        return transport;
    }

    ConnectionPool<Origin, Timeouts, HttpConnection> pool() {
        return pool;
    }

    /** Counts connections kept idle by the loops (they are idle, not leased, in the pool's stats). */
    void keptIdle(int delta) {
        keptIdle.addAndGet(delta);
    }

    /** Returns how many connections the loops keep idle. */
    int keptIdle() {
        return keptIdle.get();
    }

    boolean isClosing() {
        return closing;
    }

    /**
     * Returns the calling thread's loop, now driven by it, or null when the thread should wait
     * for the shared loops instead: a virtual thread (it parks cheaply and must not pin its
     * carrier in {@code epoll_wait}), a thread already inside {@code send()} on this session
     * (a blocking call from an interceptor), a closing session, or no place for another loop.
     */
    CallerLoop enter() {
        Thread thread = Thread.currentThread();
        CallerLoop own = loops.get(thread);
        if (own == null) {
            if (closing || loops.size() >= maxLoops || VirtualThreads.isVirtual(thread) || isCrowded()) {
                return null;
            }
            CallerLoop.Parts parts = transport.newCallerLoop(thread);
            if (parts == null) {
                return null;
            }
            own = new CallerLoop(this, parts, thread);
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
    CallerLoop driving() {
        if (loops.isEmpty()) {
            return null;
        }
        CallerLoop own = loops.get(Thread.currentThread());
        return own != null && own.isDrivenByCurrentThread() ? own : null;
    }

    /** Forgets a retired loop. */
    void forget(CallerLoop loop) {
        loops.remove(loop.owner(), loop);
    }

    /**
     * Retires every idle loop and closes the connections of the ones being driven (their
     * owners retire them on the way out). Any thread.
     */
    void close() {
        closing = true;
        synchronized (this) {
            if (sweeper != null) {
                sweeper.cancel(false);
            }
        }
        for (CallerLoop loop : loops.values()) {
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
        for (CallerLoop loop : loops.values()) {
            if (loop.tryRetire()) {
                loop.retire();
            }
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        for (CallerLoop loop : loops.values()) {
            boolean stale = loop.idleNanos(now) >= idleTimeoutNanos || !loop.owner().isAlive();
            if (stale && loop.tryRetire()) {
                loop.retire();
            }
        }
    }

    private synchronized void startSweeper() {
        if (sweeper == null && !closing) {
            // At least once a second, so that a thread's end frees its connections soon.
            long period = Math.min(TimeUnit.SECONDS.toNanos(1),
                    Math.max(TimeUnit.MILLISECONDS.toNanos(100), idleTimeoutNanos / 4));
            sweeper = transport.group().next().scheduleWithFixedDelay(this::sweep, period, period,
                    TimeUnit.NANOSECONDS);
        }
    }
}
