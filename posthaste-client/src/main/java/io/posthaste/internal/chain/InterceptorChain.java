package io.posthaste.internal.chain;

import io.posthaste.Interceptor;
import io.posthaste.Request;
import io.posthaste.Response;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * The rest of one call's steps, from {@code index} down to the exchange (the last step, which
 * never proceeds). It also carries what every step of the call shares ({@link Call.CallState}):
 * built-in steps read it from the chain they are given, as parameters, never from a thread.
 * Immutable: a step may proceed more than once (a retry, each redirect hop).
 */
final class InterceptorChain implements Interceptor.Chain {

    private final List<Interceptor> steps;
    private final int index;
    private final Call.CallState state;

    InterceptorChain(List<Interceptor> steps, int index, Call.CallState state) {
        this.steps = steps;
        this.index = index;
        this.state = state;
    }

    /** Returns what the call's steps share. */
    Call.CallState state() {
        return state;
    }

    /** Returns the state a built-in step was handed along with {@code chain}. */
    static Call.CallState stateOf(Interceptor.Chain chain) {
        return ((InterceptorChain) chain).state;
    }

    @Override
    public CompletableFuture<Response> proceed(Request request) {
        Objects.requireNonNull(request, "request");
        if (state.cancelled) {
            return CompletableFuture.failedFuture(new CancellationException("the call was cancelled"));
        }
        Interceptor step = steps.get(index);
        // The last step is the exchange, which never proceeds: it is handed this chain (for the
        // state) rather than a new one past the end.
        Interceptor.Chain next = index + 1 < steps.size() ? new InterceptorChain(steps, index + 1, state) : this;
        CompletableFuture<Response> result;
        try {
            result = step.intercept(request, next);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (result == null) {
            return CompletableFuture.failedFuture(new NullPointerException(
                    "interceptor " + step.getClass().getName() + " returned null instead of a future"));
        }
        return result;
    }
}
