package io.posthaste;

import io.posthaste.internal.session.RequestExtras;
import io.posthaste.internal.url.RequestUrl;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

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
    /** Kept as the Optional that {@link #body()} returns: asked on every send, made once. */
    private final Optional<Body> body;

    private final Timeouts timeouts;
    private final boolean raiseForStatus;
    private final Set<String> skippedAutoHeaders;
    private final boolean followRedirects;
    private final RetryPolicy retryPolicy;
    private final RequestExtras extras;

    Request(
            String method,
            RequestUrl url,
            Headers headers,
            @Nullable Body body,
            Timeouts timeouts,
            boolean raiseForStatus,
            Set<String> skippedAutoHeaders,
            boolean followRedirects,
            RetryPolicy retryPolicy,
            RequestExtras extras) {
        this.method = method;
        this.url = url;
        this.headers = headers;
        this.body = Optional.ofNullable(body);
        this.timeouts = timeouts;
        this.raiseForStatus = raiseForStatus;
        this.skippedAutoHeaders = skippedAutoHeaders;
        this.followRedirects = followRedirects;
        this.retryPolicy = retryPolicy;
        this.extras = extras;
    }

    /** Returns a builder holding this request, to derive a changed copy (e.g. in an interceptor). */
    public Builder toBuilder() {
        return new Builder(this);
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
        return body;
    }

    /** Returns the timeouts in force for this request. */
    public Timeouts timeouts() {
        return timeouts;
    }

    /** Returns whether a 4xx/5xx answer raises {@link ClientResponseException}. */
    public boolean raiseForStatus() {
        return raiseForStatus;
    }

    /** Returns when this request is sent again after a failure. */
    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    /** Returns whether redirects are followed for this request. */
    public boolean followRedirects() {
        return followRedirects;
    }

    /**
     * Returns the tag of type {@code type}, or {@code null} if the request has none: a value the
     * caller or an interceptor attached for interceptors, {@link EventListener}s and the metrics and
     * tracing integrations to read (like OkHttp's {@code Request.tag(Class)}). Tags are never sent;
     * a retry or a redirect hop carries the same tags, and a response's
     * {@link Response#request()} has them too. See {@link RequestBuilder#tag(Class, Object)}.
     */
    public <T> @Nullable T tag(Class<T> type) {
        return type.cast(extras.tags().get(type));
    }

    /** Returns what the request carries for the steps that is not public API. */
    RequestExtras extras() {
        return extras;
    }

    /** Returns the lower-case names of automatic headers this request must not get. */
    public Set<String> skippedAutoHeaders() {
        return skippedAutoHeaders;
    }

    Request withExtras(RequestExtras newExtras) {
        return new Request(
                method,
                url,
                headers,
                body.orElse(null),
                timeouts,
                raiseForStatus,
                skippedAutoHeaders,
                followRedirects,
                retryPolicy,
                newExtras);
    }

    RequestUrl requestUrl() {
        return url;
    }

    String redactedUrl() {
        return url.toString();
    }

    Request with(RequestUrl newUrl, String newMethod, Headers newHeaders, @Nullable Body newBody) {
        return new Request(
                newMethod,
                newUrl,
                newHeaders,
                newBody,
                timeouts,
                raiseForStatus,
                skippedAutoHeaders,
                followRedirects,
                retryPolicy,
                extras);
    }

    /**
     * Derives a changed copy of a {@link Request}. Every value is validated as in
     * {@link RequestBuilder}; a new body gets a new {@code Content-Length} when sent. Not
     * thread-safe.
     */
    public static final class Builder {
        private final Request original;
        private String method;
        private RequestUrl url;
        private final Headers.Builder headers;
        private @Nullable Body body;
        /** The tags, copied on the first change; {@code null}: the original's. */
        private @Nullable Map<Class<?>, Object> tags;

        private Builder(Request original) {
            this.original = original;
            this.method = original.method;
            this.url = original.url;
            this.headers = original.headers.toBuilder();
            this.body = original.body.orElse(null);
        }

        /** Replaces the method. */
        public Builder method(String method) {
            io.posthaste.internal.semantics.HeaderRules.checkMethod(method);
            this.method = method;
            return this;
        }

        /** Replaces the URL with an absolute http(s) URL. */
        public Builder url(String url) {
            this.url = RequestUrl.parse(url);
            return this;
        }

        /** Sets a header, replacing any of the same name. */
        public Builder header(String name, String value) {
            headers.set(name, value);
            return this;
        }

        /** Removes every header named {@code name}. */
        public Builder removeHeader(String name) {
            headers.removeAll(name);
            return this;
        }

        /** Replaces the body ({@code null}: none). */
        public Builder body(@Nullable Body body) {
            this.body = body;
            return this;
        }

        /**
         * Sets the tag of type {@code type}, replacing any of that type; {@code null} removes it.
         * As {@link RequestBuilder#tag(Class, Object)} says.
         *
         * @throws ClassCastException if {@code value} is not an instance of {@code type}
         */
        public <T> Builder tag(Class<T> type, @Nullable T value) {
            if (tags == null) {
                tags = new HashMap<>(original.extras.tags());
            }
            RequestExtras.put(tags, type, value);
            return this;
        }

        /** Returns the new request; other settings are kept from the original. */
        public Request build() {
            return new Request(
                    method,
                    url,
                    headers.build(),
                    body,
                    original.timeouts,
                    original.raiseForStatus,
                    original.skippedAutoHeaders,
                    original.followRedirects,
                    original.retryPolicy,
                    tags == null ? original.extras : original.extras.withTags(tags));
        }
    }

    /** Returns the method and URL; never headers, which may hold credentials. */
    @Override
    public String toString() {
        return "Request[" + method + " " + url + "]";
    }
}
