package io.posthaste;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A cookie as a {@link CookieJar} keeps it (RFC 6265 §5.3).
 *
 * @param name the name
 * @param value the value
 * @param domain the lower-case domain it is sent to (the host that set it, if {@code hostOnly})
 * @param path the path prefix it is sent to
 * @param expiresAt when it expires, or {@code null} for a session cookie
 * @param secure whether it is sent over https only
 * @param httpOnly whether the server marked it HttpOnly (kept for completeness)
 * @param hostOnly whether it goes to exactly {@code domain}, not its subdomains
 */
public record Cookie(
        String name,
        String value,
        String domain,
        String path,
        @Nullable Instant expiresAt,
        boolean secure,
        boolean httpOnly,
        boolean hostOnly) {

    /** Validates the cookie. */
    public Cookie {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(path, "path");
    }

    /** Returns whether the cookie has expired at {@code now}. */
    public boolean isExpired(Instant now) {
        return expiresAt != null && !expiresAt.isAfter(now);
    }

    /** Returns the name and the domain, never the value (it may be a credential). */
    @Override
    public String toString() {
        return "Cookie[" + name + " for " + (hostOnly ? "" : ".") + domain + path + (secure ? ", secure" : "") + "]";
    }
}
