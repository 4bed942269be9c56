package io.posthaste.internal.chain;

import io.posthaste.Request;
import io.posthaste.internal.pool.ConnectionPool;
import java.util.concurrent.CompletableFuture;

/** Sends one request over the network and hands back what came back: the end of the chain. */
public interface Exchanger extends AutoCloseable {

    /**
     * Sends {@code request}. With {@code streaming}, the future completes once the head has arrived
     * and the body follows as a stream; otherwise it completes with the whole body. A 4xx/5xx
     * response is always buffered when {@code raiseForStatus} is on, so the error can carry it.
     * Cancelling the future aborts the exchange and releases everything it held.
     */
    CompletableFuture<RawResponse> exchange(Request request, boolean streaming, boolean raiseForStatus);

    /** Returns the pool's counters. */
    ConnectionPool.Stats stats();

    /** Closes every connection and stops the threads. */
    @Override
    void close();
}
