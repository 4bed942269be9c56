package io.posthaste.internal.session;

import io.posthaste.Headers;
import io.posthaste.internal.url.RequestUrl;

/**
 * Credentials set on a session, and the one origin (the base URL's) they are sent to.
 *
 * @param origin the base URL; only requests to its scheme, host and port are authenticated
 * @param authorization the {@code Authorization} value for Basic or Bearer, or {@code null}
 * @param digestUser the Digest user, or {@code null} when {@code authorization} is set
 * @param digestPassword the Digest password, or {@code null}
 */
public record SessionAuth(RequestUrl origin, String authorization, String digestUser, String digestPassword) {

    /**
     * Returns a session's credentials: a ready {@code Authorization} value, or Digest's user and
     * password ({@code digest}), or null for neither. They go to {@code baseUrl}'s origin only,
     * so they need one, and they conflict with a default {@code Authorization} header.
     */
    public static SessionAuth of(RequestUrl baseUrl, String authorization, String[] digest, Headers defaultHeaders) {
        if (authorization == null && digest == null) {
            return null;
        }
        if (baseUrl == null) {
            throw new IllegalStateException(
                    "session credentials need a baseUrl: they are sent " + "to the base URL's origin only");
        }
        if (defaultHeaders.contains("Authorization")) {
            throw new IllegalStateException("an Authorization header and session credentials " + "conflict; use one");
        }
        return new SessionAuth(
                baseUrl, authorization, digest == null ? null : digest[0], digest == null ? null : digest[1]);
    }

    /** Returns whether a request to {@code url} gets these credentials. */
    public boolean appliesTo(RequestUrl url) {
        return origin.sameOrigin(url);
    }

    /** Never shows a secret. */
    @Override
    public String toString() {
        String scheme = authorization != null ? authorization.substring(0, authorization.indexOf(' ')) : "Digest";
        return "SessionAuth[" + scheme + " for " + origin.scheme() + "://" + origin.hostHeader() + "]";
    }
}
