package io.posthaste.opentelemetry;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.opentelemetry.instrumentation.api.instrumenter.Instrumenter;
import io.posthaste.Interceptor;
import io.posthaste.Request;
import io.posthaste.Response;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The network part: one span per request on the network, its context injected into that
 * request's headers, ended once when the future of the exchange completes (with a response, a
 * failure, or the cancellation of the call).
 */
final class TracingInterceptor implements Interceptor {

    private static final TextMapSetter<Request.Builder> HEADERS = (builder, name, value) -> {
        if (builder != null) {
            builder.header(name, value);
        }
    };

    private final Instrumenter<Request, Response> instrumenter;
    private final TextMapPropagator propagator;

    TracingInterceptor(Instrumenter<Request, Response> instrumenter, TextMapPropagator propagator) {
        this.instrumenter = instrumenter;
        this.propagator = propagator;
    }

    @Override
    @SuppressWarnings("try") // the Scope is only closed: it makes the span current for the block
    public CompletableFuture<Response> intercept(Request request, Chain chain) {
        CallContextInterceptor.CallContext call = request.tag(CallContextInterceptor.CallContext.class);
        Context parent = call != null ? call.context() : Context.current();
        if (!instrumenter.shouldStart(parent, request)) {
            return chain.proceed(request);
        }
        Context context = instrumenter.start(parent, request);
        Request.Builder traced = request.toBuilder();
        propagator.inject(context, traced, HEADERS);
        CompletableFuture<Response> exchange;
        try (Scope ignored = context.makeCurrent()) {
            exchange = chain.proceed(traced.build());
        } catch (RuntimeException e) {
            instrumenter.end(context, request, null, e);
            throw e;
        }
        return exchange.whenComplete((response, failure) -> instrumenter.end(
                context,
                request,
                response,
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure));
    }
}
