package io.posthaste;

import java.util.concurrent.CompletableFuture;

/**
 * Observes, changes, retries or answers a request on its way through the session: the one
 * extension point of Posthaste. An interceptor gets the request and the rest of the chain; it
 * usually calls {@link Chain#proceed(Request)} (once, or again to retry) and may change the
 * request before and the response after. It may also answer without proceeding.
 *
 * <p>Order: the session's interceptors run in the order they were added, the first one
 * outermost (it sees the request first and the response last). Application interceptors
 * ({@link ClientSession.Builder#addInterceptor}) run once per call and see the final response
 * after redirects; network interceptors ({@link ClientSession.Builder#addNetworkInterceptor})
 * run once per exchange on the network, so once for every redirect hop. A request's own list
 * ({@link RequestBuilder#interceptors}) replaces the session's application interceptors; an
 * empty list turns them off for that request.
 *
 * <p>Raise-for-status applies after the application interceptors, so they see 4xx/5xx
 * responses as ordinary values. Interceptors run on whatever thread completes the previous
 * step, often an I/O thread: they must not block. Return a future that completes later to do
 * slow work (e.g. with {@link CompletableFuture#supplyAsync}).
 *
 * {@snippet :
 * Interceptor requestId = (request, chain) -> chain.proceed(
 *         request.toBuilder().header("X-Request-Id", UUID.randomUUID().toString()).build());
 * ClientSession session = ClientSession.builder().addInterceptor(requestId).build();
 * }
 */
@FunctionalInterface
public interface Interceptor {

    /**
     * Handles {@code request}.
     *
     * @param request the request as the previous interceptor passed it on
     * @param chain the rest of the chain
     * @return the response, possibly completing exceptionally with a {@link ClientException}
     */
    CompletableFuture<Response> intercept(Request request, Chain chain);

    /** The rest of the chain, from the next interceptor down to the network. */
    interface Chain {

        /**
         * Sends {@code request} through the rest of the chain. May be called more than once
         * (a retry); a request with a one-shot body can only be sent once.
         */
        CompletableFuture<Response> proceed(Request request);
    }
}
