package io.posthaste.internal.semantics;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.Set;

/** Small facts of HTTP that several steps need, kept in one place so they cannot drift apart. */
public final class HttpSemantics {

    /** RFC 9110 §9.2.2: methods a client may repeat without changing the outcome. */
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

    private HttpSemantics() {}

    /** Returns whether {@code method} is idempotent. */
    public static boolean isIdempotent(String method) {
        return IDEMPOTENT.contains(method);
    }

    /** Returns whether {@code status} is a redirect Posthaste follows (301, 302, 303, 307, 308). */
    public static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    /** Returns whether {@code host} (IPv6 without brackets) is an IP address rather than a name. */
    public static boolean isIpLiteral(String host) {
        if (host.indexOf(':') >= 0) {
            return true;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if ((c < '0' || c > '9') && c != '.') {
                return false;
            }
        }
        return !host.isEmpty();
    }

    /**
     * Returns the {@code Authorization} value for Basic credentials (RFC 7617, UTF-8).
     *
     * @throws IllegalArgumentException if the user name holds a ':' or either part a CR, LF or NUL
     */
    public static String basicAuthorization(String user, String password) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        if (user.indexOf(':') >= 0) {
            throw new IllegalArgumentException("a Basic auth user name cannot contain ':'");
        }
        return basicAuthorization(user + ":" + password);
    }

    /**
     * Returns the {@code Authorization} value for a bearer token (RFC 6750).
     *
     * @throws IllegalArgumentException if the token holds a CR, LF or NUL
     */
    public static String bearerAuthorization(String token) {
        Objects.requireNonNull(token, "token");
        String value = "Bearer " + token;
        HeaderRules.checkValue("Authorization", value);
        return value;
    }

    /** Returns the {@code Authorization} value for Basic credentials {@code user:password} (RFC 7617). */
    public static String basicAuthorization(String userColonPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userColonPassword.getBytes(StandardCharsets.UTF_8));
    }
}
