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

    /**
     * Checks a user name for Digest: it is quoted as it is into the {@code Authorization} line, so
     * a control character (CR, LF, NUL, ...) would split the head.
     *
     * @throws IllegalArgumentException if it has one
     */
    public static String checkUser(String user) {
        for (int i = 0; i < user.length(); i++) {
            char c = user.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new IllegalArgumentException(
                        "a Digest user name cannot hold control characters (CR, LF, NUL, ...)");
            }
        }
        return user;
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "DigestCredentials[" + user + " for " + origin.scheme() + "://" + origin.hostHeader() + "]";
    }
}
