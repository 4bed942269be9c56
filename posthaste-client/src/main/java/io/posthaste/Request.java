package io.posthaste;

import io.posthaste.internal.codec.RequestUrl;
import java.net.URI;
import java.util.Optional;
import java.util.Set;

/**
 * An immutable, validated HTTP request, ready to send and to send again: a retry or a redirect
 * resends exactly these headers and, if it is {@linkplain Body#isReplayable() replayable}, this
 * body. Made by {@link RequestBuilder#build()}; its headers already include the session's default
 * headers, but not the automatic ones ({@code Host}, {@code Accept}, {@code User-Agent},
 * {@code Content-Type}, {@code Content-Length}), which are added on the wire unless set here.
 */
public final class Request {

    private final String method;
    private final RequestUrl url;
    private final Headers headers;
    private final Body body;
    private final Timeouts timeouts;
    private final boolean raiseForStatus;
    private final Set<String> skippedAutoHeaders;

    Request(String method, RequestUrl url, Headers headers, Body body, Timeouts timeouts,
            boolean raiseForStatus, Set<String> skippedAutoHeaders) {
        this.method = method;
        this.url = url;
        this.headers = headers;
        this.body = body;
        this.timeouts = timeouts;
        this.raiseForStatus = raiseForStatus;
        this.skippedAutoHeaders = skippedAutoHeaders;
    }

    /** Returns the method, e.g. {@code "POST"}. */
    public String method() {
        return method;
    }

    /** Returns the URL, without user info or fragment (neither is ever sent). */
    public URI url() {
        return url.uri();
    }

    /** Returns the headers set by the caller and the session's defaults. */
    public Headers headers() {
        return headers;
    }

    /** Returns the body, if any. */
    public Optional<Body> body() {
        return Optional.ofNullable(body);
    }

    /** Returns the timeouts in force for this request. */
    public Timeouts timeouts() {
        return timeouts;
    }

    /** Returns whether a 4xx/5xx answer raises {@link ClientResponseException}. */
    public boolean raiseForStatus() {
        return raiseForStatus;
    }

    /** Returns the lower-case names of automatic headers this request must not get. */
    public Set<String> skippedAutoHeaders() {
        return skippedAutoHeaders;
    }

    RequestUrl requestUrl() {
        return url;
    }

    String redactedUrl() {
        return url.toString();
    }

    Request with(RequestUrl newUrl, String newMethod, Headers newHeaders, Body newBody) {
        return new Request(newMethod, newUrl, newHeaders, newBody, timeouts, raiseForStatus,
                skippedAutoHeaders);
    }

    /** Returns the method and URL; never headers, which may hold credentials. */
    @Override
    public String toString() {
        return "Request[" + method + " " + url + "]";
    }
}
