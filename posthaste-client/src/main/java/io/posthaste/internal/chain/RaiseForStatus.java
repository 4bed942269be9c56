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

    private RaiseForStatus() {
    }

    @Override
    public CompletableFuture<Response> intercept(Request request, Chain chain) {
        return chain.proceed(request).thenApply(RaiseForStatus::checked);
    }

    private static Response checked(Response response) {
        if (raises(response)) {
            throw new CompletionException(new ClientResponseException(response));
        }
        return response;
    }

    /** Returns whether {@code response} becomes an exception: its request raises, and it is 4xx/5xx. */
    static boolean raises(Response response) {
        return response.request().raiseForStatus() && response.status() >= 400;
    }
}
