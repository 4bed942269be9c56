package io.posthaste.internal.session;

import io.posthaste.Interceptor;
import io.posthaste.internal.proxy.Route;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a request carries for the steps that is not public API, in one object handed over once
 * (instead of one bridge method per feature). Immutable; {@link #NONE} for a plain request. A
 * retry or a redirect hop sends a request with the same extras.
 *
 * @param interceptors the request's own application interceptors, or {@code null}: the session's
 * @param digest the request's Digest credentials, or {@code null}
 * @param progress the request's progress listeners, or {@code null}
 * @param tags the request's tags by type (see {@code Request.tag(Class)}), never {@code null};
 *     every value is an instance of its key
 * @param route the request's own route (its proxy, none, or a Unix socket), or {@code null}: the
 *     session's choice
 * @param proxyAuthorization the answer to a forwarding proxy's Digest challenge, sent in place of
 *     the proxy URL's Basic credentials, or {@code null}; set only by the proxy Digest step
 */
public record RequestExtras(
        List<Interceptor> interceptors,
        DigestCredentials digest,
        ProgressListeners progress,
        Map<Class<?>, Object> tags,
        Route route,
        String proxyAuthorization) {

    /** A request with none of these. */
    public static final RequestExtras NONE = new RequestExtras(null, null, null, Map.of(), null, null);

    /** Returns {@link #NONE} when every part is null or empty, else the parts. */
    public static RequestExtras of(
            List<Interceptor> interceptors,
            DigestCredentials digest,
            ProgressListeners progress,
            Map<Class<?>, Object> tags) {
        return of(interceptors, digest, progress, tags, null);
    }

    /** Returns {@link #NONE} when every part is null or empty, else the parts. */
    public static RequestExtras of(
            List<Interceptor> interceptors,
            DigestCredentials digest,
            ProgressListeners progress,
            Map<Class<?>, Object> tags,
            Route route) {
        return interceptors == null && digest == null && progress == null && tags.isEmpty() && route == null
                ? NONE
                : new RequestExtras(interceptors, digest, progress, Map.copyOf(tags), route, null);
    }

    /** Returns these extras with {@code tags} instead of theirs. */
    public RequestExtras withTags(Map<Class<?>, Object> tags) {
        return new RequestExtras(interceptors, digest, progress, Map.copyOf(tags), route, proxyAuthorization);
    }

    /** Returns these extras answering a forwarding proxy's Digest challenge with {@code answer}. */
    public RequestExtras withProxyAuthorization(String answer) {
        return new RequestExtras(interceptors, digest, progress, tags, route, answer);
    }

    /**
     * Puts {@code value} under {@code type} in {@code tags} (removes the tag if {@code value} is
     * {@code null}), making the map on first use; returns the map.
     *
     * @throws ClassCastException if {@code value} is not an instance of {@code type}
     */
    public static Map<Class<?>, Object> put(Map<Class<?>, Object> tags, Class<?> type, Object value) {
        Objects.requireNonNull(type, "type");
        Map<Class<?>, Object> result = tags != null ? tags : new HashMap<>(4);
        if (value == null) {
            result.remove(type);
        } else {
            result.put(type, type.cast(value));
        }
        return result;
    }
}
