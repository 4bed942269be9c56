package io.posthaste.internal.session;

import io.posthaste.internal.url.RequestUrl;

/**
 * Digest credentials and the origin they were given for: they answer challenges from that
 * origin only.
 *
 * @param user the user name
 * @param password the password
 * @param origin the URL of the request they were set on
 */
public record DigestCredentials(String user, String password, RequestUrl origin) {

    /** Never shows the password. */
    @Override
    public String toString() {
        return "DigestCredentials[" + user + " for " + origin.scheme() + "://" + origin.hostHeader() + "]";
    }
}
