package io.posthaste.internal.chain;

import io.posthaste.Interceptor;
import io.posthaste.Request;
import io.posthaste.Response;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/** The rest of a list of interceptors, ending in {@code terminal}. */
final class InterceptorChain implements Interceptor.Chain {

    private final List<Interceptor> interceptors;
    private final int index;
    private final Function<Request, CompletableFuture<Response>> terminal;
    private final Call.CallState state;

    InterceptorChain(List<Interceptor> interceptors, int index,
            Function<Request, CompletableFuture<Response>> terminal, Call.CallState state) {
        this.interceptors = interceptors;
        this.index = index;
        this.terminal = terminal;
        this.state = state;
    }

    @Override
    public CompletableFuture<Response> proceed(Request request) {
        Objects.requireNonNull(request, "request");
        if (state.cancelled) {
            return CompletableFuture.failedFuture(new CancellationException("the call was cancelled"));
        }
        if (index == interceptors.size()) {
            return terminal.apply(request);
        }
        Interceptor interceptor = interceptors.get(index);
        CompletableFuture<Response> result;
        try {
            result = interceptor.intercept(request,
                    new InterceptorChain(interceptors, index + 1, terminal, state));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (result == null) {
            return CompletableFuture.failedFuture(new NullPointerException("interceptor "
                    + interceptor.getClass().getName() + " returned null instead of a future"));
        }
        return result;
    }
}
