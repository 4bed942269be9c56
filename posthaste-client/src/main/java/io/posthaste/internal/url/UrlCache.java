package io.posthaste.internal.url;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers recently parsed URLs. Applications call the same few endpoints over and over, and a
 * {@link RequestUrl} is immutable, so parsing each distinct URL string once saves the work and
 * the garbage of {@link java.net.URI} on every request. Bounded: when full it simply starts over,
 * which costs one re-parse per URL and never grows memory.
 */
public final class UrlCache {

    private static final int MAX_ENTRIES = 1024;
    private static final int MAX_URL_LENGTH = 2048;

    private final ConcurrentHashMap<String, RequestUrl> absolute = new ConcurrentHashMap<>();
    private final RequestUrl base;

    /** Creates a cache for URLs resolved against {@code base} ({@code null}: absolute URLs only). */
    public UrlCache(RequestUrl base) {
        this.base = base;
    }

    /** Returns the parsed form of {@code url}, resolved against the base URL if there is one. */
    public RequestUrl get(String url) {
        RequestUrl cached = absolute.get(url);
        if (cached != null) {
            return cached;
        }
        RequestUrl parsed = base == null ? RequestUrl.parse(url) : RequestUrl.resolve(base, url);
        if (url.length() <= MAX_URL_LENGTH) {
            if (absolute.size() >= MAX_ENTRIES) {
                absolute.clear();
            }
            absolute.put(url, parsed);
        }
        return parsed;
    }
}
