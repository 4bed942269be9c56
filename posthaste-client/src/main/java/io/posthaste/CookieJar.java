package io.posthaste;

import io.posthaste.internal.cookie.MemoryCookieJar;
import io.posthaste.internal.cookie.NoCookieJar;
import java.net.URI;
import java.util.List;

/**
 * Keeps the cookies servers set and hands back the ones a request should carry. Each session has
 * its own jar (sessions never share one unless you hand the same jar to both); the default is
 * {@link #inMemory()}. Implementations must be thread-safe.
 */
public interface CookieJar {

    /**
     * Stores what the {@code Set-Cookie} headers of a response from {@code url} allow: a cookie
     * for another domain, a public suffix or (unless allowed) an IP address is dropped.
     */
    void save(URI url, List<String> setCookieHeaders);

    /** Returns the cookies to send to {@code url}, in the order RFC 6265 §5.4 gives. */
    List<Cookie> load(URI url);

    /** Returns every cookie stored, for inspection. */
    List<Cookie> all();

    /** Removes every cookie. */
    void clear();

    /**
     * Returns an RFC 6265 jar in memory: domain and path matching, host-only cookies, Secure,
     * Max-Age and Expires, at most 50 cookies per domain and 3000 in all, each at most 4096
     * bytes. Cookies for IP-address hosts are not kept. A {@code Domain} that is a public suffix
     * ({@code co.il}, {@code github.io}) by the Public Suffix List bundled with Posthaste, its
     * ICANN and private rules, is refused, unless the host is that very name, whose cookie is
     * then host-only (RFC 6265 §5.3 step 5).
     */
    static CookieJar inMemory() {
        return new MemoryCookieJar(false);
    }

    /** Returns an in-memory jar that also keeps cookies set by IP-address hosts. */
    static CookieJar inMemoryAllowingIpHosts() {
        return new MemoryCookieJar(true);
    }

    /** Returns a jar that keeps nothing: cookies are off. */
    static CookieJar none() {
        return NoCookieJar.INSTANCE;
    }
}
