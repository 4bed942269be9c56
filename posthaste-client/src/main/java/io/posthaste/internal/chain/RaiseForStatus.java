package io.posthaste.internal.chain;

import io.posthaste.ClientResponseException;
import io.posthaste.Interceptor;
import io.posthaste.Request;
import io.posthaste.Response;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The raise-for-status step, outermost, so that application interceptors see 4xx/5xx answers as
 * ordinary values: a final answer of 400 or more becomes a {@link ClientResponseException} when
 * the request that got it raises for status. The one place this decision is taken.
 */
final class RaiseForStatus implements Interceptor {

    static final RaiseForStatus INSTANCE = new RaiseForStatus();

    private RaiseForStatus() {}

    @Override
    public CompletableFuture<Response> intercept(Request request, Chain chain) {
        return chain.proceed(request).thenApply(RaiseForStatus::checked);
    }

    private static Response checked(Response response) {
        if (raises(response.request(), response.status())) {
            throw new CompletionException(new ClientResponseException(response));
        }
        return response;
    }

    /** Returns whether an answer {@code status} to {@code request} becomes an exception. */
    static boolean raises(Request request, int status) {
        return request.raiseForStatus() && status >= 400;
    }
}
