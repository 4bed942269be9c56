package io.posthaste.internal.connection;

import io.netty.channel.EventLoop;
import io.netty.channel.IoHandler;
import io.netty.channel.ManualIoEventLoop;
import io.posthaste.Timeouts;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * An event loop that one platform thread drives itself while it waits in {@code send()}, so that
 * a blocking call costs no hand-off to an I/O thread and back: the thread writes the request,
 * waits in its loop's selector ({@code epoll_wait}, {@code kevent} or an NIO {@code Selector}, on
 * whichever transport the session runs) for the answer and reads it, as a blocking-socket client
 * does, while timeouts, TLS and redirects work as on the shared loops.
 *
 * <p>The loop keeps at most one idle connection per origin between calls; each counts against
 * the pool's caps as a reserved place. States: {@code IDLE} (nobody drives it), {@code DRIVING}
 * (its owner is inside {@code send()}), {@code RETIRED} (closed for good). Only the owner moves
 * it from IDLE to DRIVING and back; any thread may retire an IDLE loop, which closes its
 * connections' descriptors directly, since nobody runs the loop then. The idle connections and
 * the lease count belong to whichever thread holds the state (the owner while DRIVING, the
 * retiring thread once RETIRED), and the state's atomic updates publish them from one to the next.
 */
public final class CallerLoop<C extends Connection> implements ConnectionSource<C>, ConnectionListener<C> {

    /**
     * The loop, the I/O handler inside it (which is destroyed directly on retirement), and
     * whether a connection can ask the kernel whether its server has closed it (see
     * {@link IoTransport#tellsPeerClose()}).
     */
    record Parts(ManualIoEventLoop loop, IoHandler handler, boolean tellsPeerClose) {}

    private static final int IDLE = 0;
    private static final int DRIVING = 1;
    private static final int RETIRED = 2;

    /** How long the loop may go undriven before a call first looks for closed connections. */
    private static final long STALE_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /** Longest wait in the selector before the owner checks whether it was interrupted. */
    private static final long INTERRUPT_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final CallerLoops<C> owners;
    private final ManualIoEventLoop loop;
    private final IoHandler handler;
    private final Thread owner;
    /** How long the loop may go undriven before a call first takes in what happened meanwhile. */
    private final long staleCheckNanos;

    private final AtomicInteger state = new AtomicInteger(IDLE);
    private final Map<Origin, C> idle = new HashMap<>(4);
    /** Every open connection of this loop, idle or in use. */
    private final Set<C> connections = new HashSet<>(4);

    private final BiConsumer<Object, Throwable> wakeOwner;
    /** Connections handed out (or being opened) and not given back. */
    private int leased;

    private volatile long idleSinceNanos = System.nanoTime();

    CallerLoop(CallerLoops<C> owners, Parts parts, Thread owner) {
        this.owners = owners;
        this.loop = parts.loop();
        this.handler = parts.handler();
        this.owner = owner;
        this.staleCheckNanos = parts.tellsPeerClose() ? STALE_CHECK_NANOS : 0;
        this.wakeOwner = (value, failure) -> loop.wakeup();
    }

    public ManualIoEventLoop loop() {
        return loop;
    }

    Thread owner() {
        return owner;
    }

    /** Owner only: makes this loop the one the owner drives; false once it is retired. */
    boolean enter() {
        if (!state.compareAndSet(IDLE, DRIVING)) {
            return false;
        }
        if (System.nanoTime() - idleSinceNanos >= staleCheckNanos) {
            // Takes in what happened while nobody drove the loop: a server that closed an idle
            // connection. Right after the last call (back-to-back requests) the check is skipped,
            // as pools skip theirs for a connection used moments ago (OkHttp and Apache wait
            // seconds, not a millisecond): a stale connection is then retried for idempotent
            // requests, like one the server closes while the request is on its way, and a
            // request that is not is retried if the kernel shows the server never read it. A
            // transport whose connections cannot ask the kernel (kqueue, NIO) has no such
            // proof, so there the check runs before every call: one non-blocking select.
            loop.runNow();
        }
        return true;
    }

    /** Returns whether the calling thread is the owner, inside {@code send()}. */
    boolean isDrivenByCurrentThread() {
        return Thread.currentThread() == owner && state.get() == DRIVING;
    }

    /**
     * Runs the loop until {@code result} is complete and every connection is back: an exchange
     * this thread started on the loop (a redirect's, or an interceptor's) must not be left to a
     * loop nobody runs. An interrupt cancels {@code result}; the interrupt flag is kept.
     */
    public void drive(CompletableFuture<?> result) {
        if (!result.isDone()) {
            // The result may complete on another thread (a retry, a timer): wake the owner then.
            result.whenComplete(wakeOwner);
        }
        boolean interrupted = false;
        while (!result.isDone() || leased > 0) {
            loop.run(INTERRUPT_CHECK_NANOS);
            if (!interrupted && Thread.interrupted()) {
                interrupted = true;
                result.cancel(true);
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Owner only: leaves the loop idle (or retires it if the session is closing). */
    public void exit() {
        idleSinceNanos = System.nanoTime();
        state.set(IDLE);
        if (owners.isClosing() && tryRetire()) {
            retire();
        }
    }

    /** Returns the connection this loop keeps for {@code origin}, if it is still usable. Owner. */
    @Override
    public C pollIdle(Origin origin) {
        C kept = unkeep(origin);
        if (kept == null) {
            return null;
        }
        if (kept.isUsable()) {
            leased++;
            return kept;
        }
        discard(kept);
        return null;
    }

    /**
     * Returns a connection to {@code origin} on this loop: the idle one (unless {@code fresh}),
     * or a new one if the pool has a place for it; if it has none, one of the shared pool's.
     * Owner, while driving.
     */
    @Override
    public CompletableFuture<C> acquire(Origin origin, Timeouts spec, boolean fresh) {
        C kept = fresh ? null : pollIdle(origin);
        if (kept != null) {
            return CompletableFuture.completedFuture(kept);
        }
        C stale = unkeep(origin);
        if (stale != null) {
            discard(stale);
        }
        if (!owners.pool().tryReserve(origin)) {
            owners.crowded();
            return owners.shared().acquire(origin, spec, fresh);
        }
        leased++;
        CompletableFuture<C> attempt = owners.connector().connect(origin, spec, loop, this);
        CompletableFuture<C> result = new CompletableFuture<>() {
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                boolean cancelled = super.cancel(mayInterruptIfRunning);
                attempt.cancel(false);
                return cancelled;
            }
        };
        attempt.whenComplete((connection, failure) -> onLoop(() -> {
            Throwable refused =
                    failure == null && owners.isClosing() ? new ConnectionPool.PoolClosedException() : failure;
            if (refused != null) {
                if (connection != null) {
                    connection.close();
                }
                leased--;
                owners.pool().unreserve(origin);
                result.completeExceptionally(refused);
                return;
            }
            connections.add(connection);
            if (!result.complete(connection)) {
                // Nobody waits for it any more: keep it for the next call.
                release(connection, true);
            }
        }));
        return result;
    }

    /** Takes back a connection: one of this loop's, or one the shared pool lent. On its loop. */
    @Override
    public void release(C connection, boolean reusable) {
        if (!connections.contains(connection)) {
            owners.shared().release(connection, reusable);
            return;
        }
        leased--;
        if (!reusable || !connection.isUsable() || owners.isClosing() || owners.isCrowded()) {
            discard(connection);
            return;
        }
        connection.idleSince(System.nanoTime());
        C previous = unkeep(connection.origin());
        idle.put(connection.origin(), connection);
        owners.keptIdle(connection.origin(), 1);
        if (previous != null && previous != connection) {
            discard(previous);
        }
    }

    @Override
    public EventLoop timerLoop() {
        return loop;
    }

    /** An idle connection of this loop closed (the server closed it). On the loop. */
    @Override
    public void idleConnectionLost(C connection) {
        if (idle.get(connection.origin()) == connection) {
            unkeep(connection.origin());
            connections.remove(connection);
            owners.pool().unreserve(connection.origin());
        }
    }

    /** Closes every connection of this loop, in use or not: the session is closing. On the loop. */
    void closeConnections() {
        List<C> kept = new ArrayList<>(idle.values());
        kept.forEach(connection -> unkeep(connection.origin()));
        kept.forEach(this::discard);
        // An exchange on one of the others fails, and gives its connection back as it does.
        new ArrayList<>(connections).forEach(Connection::close);
    }

    /** Returns how long nobody has driven this loop, or 0 while somebody does. */
    long idleNanos(long now) {
        return state.get() == IDLE ? now - idleSinceNanos : 0;
    }

    /** Claims an idle loop for retirement; false if it is being driven or already retired. */
    boolean tryRetire() {
        return state.compareAndSet(IDLE, RETIRED);
    }

    /**
     * Closes the connections and the loop itself, after {@link #tryRetire()} succeeded. Any
     * thread: nobody runs the loop any more, so descriptors are closed directly, and the loop is
     * shut down before its handler is destroyed, so that no late task can touch the handler's
     * wake-up descriptor afterwards.
     */
    @SuppressWarnings("deprecation") // shutdown() is the only way to refuse further tasks at once
    void retire() {
        new ArrayList<>(idle.keySet()).forEach(this::unkeep);
        // Each open connection holds one place: the idle ones, and any a failed call left behind.
        for (C connection : connections) {
            owners.transport().closeUndriven(connection.channel());
            owners.pool().unreserve(connection.origin());
        }
        connections.clear();
        loop.shutdown();
        handler.destroy();
        owners.forget(this);
    }

    private C unkeep(Origin origin) {
        C kept = idle.remove(origin);
        if (kept != null) {
            owners.keptIdle(origin, -1);
        }
        return kept;
    }

    private void discard(C connection) {
        connections.remove(connection);
        connection.close();
        owners.pool().unreserve(connection.origin());
    }

    private void onLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    @Override
    public String toString() {
        return "CallerLoop[" + owner.getName() + ", state " + state.get() + "]";
    }
}
