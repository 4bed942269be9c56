package io.posthaste.internal.chain;

import io.posthaste.Interceptor;
import io.posthaste.Request;
import io.posthaste.Response;
import io.posthaste.internal.exchange.Exchanger;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * The last step: one exchange on the network, within the call's deadline. It records the
 * exchange in flight, so that cancelling the call aborts it. It never proceeds.
 */
final class ExchangeStep implements Interceptor {

    private final Exchanger exchanger;

    ExchangeStep(Exchanger exchanger) {
        this.exchanger = exchanger;
    }

    @Override
    public CompletableFuture<Response> intercept(Request request, Chain chain) {
        Call.CallState state = InterceptorChain.stateOf(chain);
        CompletableFuture<Response> exchange = exchanger.exchange(request, state, state.deadline);
        state.inFlight = exchange;
        if (state.cancelled) {
            // Cancelled while the exchange started: the cancel may have missed it.
            exchange.cancel(false);
            return CompletableFuture.failedFuture(new CancellationException("the call was cancelled"));
        }
        return exchange;
    }
}
