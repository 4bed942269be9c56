package io.posthaste.internal.session;

import io.posthaste.internal.url.RequestUrl;

/**
 * Credentials set on a session, and the one origin (the base URL's) they are sent to.
 *
 * @param origin the base URL; only requests to its scheme, host and port are authenticated
 * @param authorization the {@code Authorization} value for Basic or Bearer, or {@code null}
 * @param digestUser the Digest user, or {@code null} when {@code authorization} is set
 * @param digestPassword the Digest password, or {@code null}
 */
public record SessionAuth(RequestUrl origin, String authorization, String digestUser,
        String digestPassword) {

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
