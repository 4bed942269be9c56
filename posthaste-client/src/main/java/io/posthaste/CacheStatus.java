package io.posthaste;

/**
 * How an {@link HttpCache} took part in a response, as {@link Response#cacheStatus()} reports it.
 * A response the cache consulted but could not answer, or may not keep (a {@code no-store} or
 * uncacheable answer to a {@code GET}), is a {@link #MISS}; a response no cache looked at at all is
 * {@link #UNCACHED}.
 */
public enum CacheStatus {

    /** No cache took part: the session has none, or the request is not one it handles (not a
     *  {@code GET} or {@code HEAD}, a {@link RequestBuilder#stream()} call, a {@code Range} or
     *  conditional request of the caller's own). */
    UNCACHED,

    /** The cache looked and the network answered: nothing was stored, or what was stored could
     *  not be used. The answer may have been stored for next time. Also a {@code 504} made by the
     *  cache for an {@code only-if-cached} request it cannot answer. */
    MISS,

    /** Answered from the store, fresh: nothing was sent. */
    HIT,

    /** Answered from the store after the server confirmed it with {@code 304 Not Modified}. */
    REVALIDATED,

    /** Answered from the store although stale: within {@code stale-while-revalidate} (a
     *  revalidation then runs in the background), within {@code stale-if-error} after the server
     *  failed, or within the request's {@code max-stale}. */
    STALE
}
