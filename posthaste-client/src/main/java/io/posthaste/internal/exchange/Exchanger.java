package io.posthaste.internal.exchange;

import io.posthaste.PoolStats;
import io.posthaste.Request;
import io.posthaste.Response;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Sends one request over the network and hands back what came back: the end of the chain. */
public interface Exchanger extends AutoCloseable {

    /**
     * Sends {@code request} once over the network. The future completes with the whole body, or,
     * where {@code policy} says to stream it, as soon as the head has arrived with the body
     * following as a stream. Cancelling the future aborts the exchange and releases everything
     * it held. The exchange fails with a {@code TOTAL} timeout when the call's {@code deadline}
     * passes before it is over (its body read, when streaming).
     */
    CompletableFuture<Response> exchange(Request request, BodyPolicy policy, Deadline deadline);

    /**
     * Completes a public future on the session's callback executor: from an I/O thread possibly
     * a little later, batched with others, but never on the I/O thread itself.
     */
    void handOff(Completion<?> completion);

    /**
     * Completes a future a virtual thread is blocked on, so that the thread is woken without an
     * I/O thread waking its carrier each time; returns false if this exchanger has no such way
     * (the caller then waits on the future as it is).
     */
    boolean wakeVirtual(Completion<?> completion);

    /** Returns the pool's counters (a caller's kept connection counts as idle). */
    PoolStats stats();

    /**
     * Returns the pool's counters for each origin that holds a connection, a place or a waiter,
     * keyed {@code scheme://host:port} (a caller's kept connection counts as idle, as in {@link #stats}).
     */
    Map<String, PoolStats> statsByOrigin();

    /** Closes every connection and stops the threads. */
    @Override
    void close();
}
