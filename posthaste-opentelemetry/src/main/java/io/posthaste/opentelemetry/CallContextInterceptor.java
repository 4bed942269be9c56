package io.posthaste.opentelemetry;

import io.opentelemetry.context.Context;
import io.opentelemetry.instrumentation.api.semconv.http.HttpClientRequestResendCount;
import io.posthaste.Interceptor;
import io.posthaste.Request;
import io.posthaste.Response;
import java.util.concurrent.CompletableFuture;

/**
 * The application part: once per call, on the caller's thread, it tags the request with the
 * context current there and a fresh resend count. The hops below may run on I/O threads, where
 * that context is not current; they read it from the tag, which every retry and redirect hop
 * carries.
 */
final class CallContextInterceptor implements Interceptor {

    /** The tag: the caller's context, with the call's resend count. */
    record CallContext(Context context) {}

    @Override
    public CompletableFuture<Response> intercept(Request request, Chain chain) {
        Context call = HttpClientRequestResendCount.initialize(Context.current());
        return chain.proceed(request.toBuilder()
                .tag(CallContext.class, new CallContext(call))
                .build());
    }
}
