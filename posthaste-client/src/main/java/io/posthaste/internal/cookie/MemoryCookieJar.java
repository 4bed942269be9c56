package io.posthaste.internal.cookie;

import io.posthaste.Cookie;
import io.posthaste.CookieJar;
import io.posthaste.internal.semantics.HttpSemantics;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An RFC 6265 cookie jar in memory. Parsing follows §5.2; storage §5.3 (a cookie for another
 * domain, or with control characters, is dropped, and so is one whose {@code Domain} is a public
 * suffix such as {@code co.il} or {@code github.io}, by the whole {@link PublicSuffixes Public
 * Suffix List}, unless the host is that very name: then it is host-only); retrieval §5.4 (domain
 * and path match, Secure only over https, longest path first). Thread-safe.
 */
public final class MemoryCookieJar implements CookieJar {

    private static final int MAX_COOKIE_BYTES = 4096;
    private static final int MAX_PER_DOMAIN = 50;
    private static final int MAX_TOTAL = 3000;

    private record Stored(Cookie cookie, long created) {}

    private final boolean allowIpHosts;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Stored> cookies = new ArrayList<>();
    private volatile boolean empty = true;
    private long clock;

    public MemoryCookieJar(boolean allowIpHosts) {
        this.allowIpHosts = allowIpHosts;
    }

    @Override
    public void save(URI url, List<String> setCookieHeaders) {
        String host = host(url);
        if (host == null || HttpSemantics.isIpLiteral(host) && !allowIpHosts) {
            return;
        }
        Instant now = Instant.now();
        for (String header : setCookieHeaders) {
            Cookie cookie = parse(header, host, defaultPath(url.getRawPath()), now);
            if (cookie != null) {
                store(cookie, now);
            }
        }
    }

    @Override
    public List<Cookie> load(URI url) {
        if (empty) {
            // Most sessions talk to APIs that set no cookies: make that case cost nothing.
            return List.of();
        }
        String host = host(url);
        if (host == null) {
            return List.of();
        }
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        boolean https = "https".equalsIgnoreCase(url.getScheme());
        Instant now = Instant.now();
        List<Stored> matching = new ArrayList<>(4);
        lock.lock();
        try {
            for (Iterator<Stored> it = cookies.iterator(); it.hasNext(); ) {
                Stored stored = it.next();
                Cookie cookie = stored.cookie();
                if (cookie.isExpired(now)) {
                    it.remove();
                } else if (domainMatches(cookie, host)
                        && pathMatches(path, cookie.path())
                        && (!cookie.secure() || https)) {
                    matching.add(stored);
                }
            }
        } finally {
            lock.unlock();
        }
        if (matching.isEmpty()) {
            return List.of();
        }
        matching.sort(Comparator.comparingInt((Stored s) -> -s.cookie().path().length())
                .thenComparingLong(Stored::created));
        return matching.stream().map(Stored::cookie).toList();
    }

    @Override
    public List<Cookie> all() {
        lock.lock();
        try {
            return cookies.stream().map(Stored::cookie).toList();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void clear() {
        lock.lock();
        try {
            cookies.clear();
            empty = true;
        } finally {
            lock.unlock();
        }
    }

    private void store(Cookie cookie, Instant now) {
        lock.lock();
        try {
            cookies.removeIf(s -> s.cookie().name().equals(cookie.name())
                    && s.cookie().domain().equals(cookie.domain())
                    && s.cookie().path().equals(cookie.path()));
            if (cookie.isExpired(now)) {
                return;
            }
            cookies.add(new Stored(cookie, clock++));
            empty = false;
            evictOldest(s -> s.cookie().domain().equals(cookie.domain()), MAX_PER_DOMAIN);
            evictOldest(s -> true, MAX_TOTAL);
        } finally {
            lock.unlock();
        }
    }

    private void evictOldest(java.util.function.Predicate<Stored> which, int max) {
        long count = cookies.stream().filter(which).count();
        for (Iterator<Stored> it = cookies.iterator(); it.hasNext() && count > max; ) {
            if (which.test(it.next())) {
                it.remove();
                count--;
            }
        }
    }

    /** Parses one {@code Set-Cookie} value (RFC 6265 §5.2), or returns {@code null} to drop it. */
    static Cookie parse(String header, String host, String defaultPath, Instant now) {
        if (header.getBytes(StandardCharsets.UTF_8).length > MAX_COOKIE_BYTES || hasControl(header)) {
            return null;
        }
        String[] parts = header.split(";");
        int eq = parts[0].indexOf('=');
        if (eq < 0) {
            return null;
        }
        String name = parts[0].substring(0, eq).trim();
        String value = parts[0].substring(eq + 1).trim();
        if (name.isEmpty()) {
            return null;
        }
        Instant expires = null;
        Instant maxAge = null;
        String domain = null;
        String path = null;
        boolean secure = false;
        boolean httpOnly = false;
        for (int i = 1; i < parts.length; i++) {
            String attribute = parts[i].trim();
            int aeq = attribute.indexOf('=');
            String key =
                    (aeq < 0 ? attribute : attribute.substring(0, aeq)).trim().toLowerCase(Locale.ROOT);
            String val = aeq < 0 ? "" : attribute.substring(aeq + 1).trim();
            switch (key) {
                case "expires" -> expires = parseDate(val);
                case "max-age" -> maxAge = parseMaxAge(val, now);
                case "domain" -> domain = val.startsWith(".") ? val.substring(1) : val;
                case "path" -> path = val.startsWith("/") ? val : null;
                case "secure" -> secure = true;
                case "httponly" -> httpOnly = true;
                default -> {}
            }
        }
        boolean hostOnly;
        if (domain == null || domain.isEmpty()) {
            hostOnly = true;
            domain = host;
        } else {
            domain = PublicSuffixes.canonicalize(domain);
            if (domain == null) {
                return null;
            }
            if (PublicSuffixes.bundled().isPublicSuffix(domain)) {
                // §5.3 step 5: a suffix may set a cookie for itself alone, never for the sites below.
                if (!domain.equals(host)) {
                    return null;
                }
                hostOnly = true;
            } else if (!host.equals(domain) && (HttpSemantics.isIpLiteral(host) || !host.endsWith("." + domain))) {
                return null;
            } else {
                hostOnly = false;
            }
        }
        return new Cookie(
                name,
                value,
                domain,
                path != null ? path : defaultPath,
                maxAge != null ? maxAge : expires,
                secure,
                httpOnly,
                hostOnly);
    }

    private static Instant parseDate(String value) {
        try {
            return ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant();
        } catch (DateTimeParseException e) {
            try {
                // The old Netscape form with dashes: "Wed, 09-Jun-2021 10:18:14 GMT".
                return ZonedDateTime.parse(value.replace('-', ' '), DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
            } catch (DateTimeParseException ignored) {
                return null;
            }
        }
    }

    private static Instant parseMaxAge(String value, Instant now) {
        try {
            long seconds = Long.parseLong(value);
            return seconds <= 0 ? Instant.EPOCH : now.plusSeconds(Math.min(seconds, 400L * 24 * 3600));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static boolean hasControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                return true;
            }
        }
        return false;
    }

    private static boolean domainMatches(Cookie cookie, String host) {
        return cookie.hostOnly()
                ? host.equals(cookie.domain())
                : host.equals(cookie.domain())
                        || host.endsWith("." + cookie.domain()) && !HttpSemantics.isIpLiteral(host);
    }

    /** RFC 6265 §5.1.4. */
    private static boolean pathMatches(String requestPath, String cookiePath) {
        if (requestPath.equals(cookiePath)) {
            return true;
        }
        return requestPath.startsWith(cookiePath)
                && (cookiePath.endsWith("/") || requestPath.charAt(cookiePath.length()) == '/');
    }

    /** RFC 6265 §5.1.4: the directory of the request path. */
    private static String defaultPath(String path) {
        if (path == null || !path.startsWith("/")) {
            return "/";
        }
        int slash = path.lastIndexOf('/');
        return slash == 0 ? "/" : path.substring(0, slash);
    }

    private static String host(URI url) {
        String host = url.getHost();
        if (host == null) {
            return null;
        }
        host = host.toLowerCase(Locale.ROOT);
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }
}
