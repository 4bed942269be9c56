package io.posthaste.internal.cache;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The decisions of a private cache (RFC 9111, RFC 5861): what it may store, and what it may do
 * with what it stored for a new request. Stateless; times are epoch milliseconds.
 */
public final class CachePolicy {

    /**
     * Statuses a cache understands and may store without explicit permission (RFC 9110 §15.1's
     * heuristically cacheable codes); 206 is left out, as this cache does not combine ranges.
     */
    private static final Set<Integer> STORABLE = Set.of(200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501);

    /** What a request may do with a stored response whose {@code Vary} it matches. */
    public enum Use {
        /** Fresh enough for the request: answer with it. */
        FRESH,
        /** Stale, but within the request's {@code max-stale}: answer with it. */
        STALE,
        /** Stale, within the response's {@code stale-while-revalidate}: answer, then revalidate. */
        STALE_WHILE_REVALIDATE,
        /** Ask the server first (with validators, if it has any). */
        VALIDATE
    }

    private CachePolicy() {}

    /**
     * Returns what a request with {@code asked} directives may do with {@code stored} at
     * {@code now}: {@code no-cache} on either side, a request {@code max-age} it is older than, or a
     * {@code min-fresh} it cannot meet, all mean validate; {@code must-revalidate} forbids every
     * stale use.
     */
    public static Use use(StoredResponse stored, CacheControl asked, long now) {
        CacheControl given = control(stored);
        if (given.noCache() || asked.noCache()) {
            return Use.VALIDATE;
        }
        long age = Freshness.currentAgeMillis(stored, now);
        long lifetime = Freshness.lifetimeMillis(stored, given);
        if (asked.maxAge() != CacheControl.ABSENT && age > millis(asked.maxAge())) {
            return Use.VALIDATE;
        }
        long minFresh = asked.minFresh() == CacheControl.ABSENT ? 0 : millis(asked.minFresh());
        if (age < lifetime && lifetime - age >= minFresh) {
            return Use.FRESH;
        }
        if (given.mustRevalidate() || age < lifetime) {
            return Use.VALIDATE; // must-revalidate, or fresh but not for as long as min-fresh asks
        }
        long staleness = age - lifetime;
        if (asked.maxStale() != CacheControl.ABSENT && staleness <= millis(asked.maxStale())) {
            return Use.STALE;
        }
        if (given.staleWhileRevalidate() != CacheControl.ABSENT && staleness <= millis(given.staleWhileRevalidate())) {
            return Use.STALE_WHILE_REVALIDATE;
        }
        return Use.VALIDATE;
    }

    /**
     * Returns whether {@code stored} may answer in place of a server error or an unreachable
     * server (RFC 5861 §4): within the larger {@code stale-if-error} of request and response,
     * never under {@code must-revalidate} or {@code no-cache}.
     */
    public static boolean staleIfError(StoredResponse stored, CacheControl asked, long now) {
        CacheControl given = control(stored);
        if (given.mustRevalidate() || given.noCache()) {
            return false;
        }
        long window = Math.max(given.staleIfError(), asked.staleIfError());
        if (window == CacheControl.ABSENT) {
            return false;
        }
        long staleness = Freshness.currentAgeMillis(stored, now) - Freshness.lifetimeMillis(stored, given);
        return staleness <= millis(window);
    }

    /**
     * Returns whether a private cache may store {@code candidate}, the answer to a {@code GET}
     * with {@code asked} directives (RFC 9111 §3): a status it understands, no {@code no-store}
     * on either side, not {@code Vary: *}, an answer to an authorized request only if the server
     * allowed it (§3.5), and something to make it useful: a lifetime or a validator.
     */
    public static boolean storable(StoredResponse candidate, CacheControl asked, boolean authorized) {
        CacheControl given = control(candidate);
        if (!STORABLE.contains(candidate.status()) || asked.noStore() || given.noStore()) {
            return false;
        }
        if (candidate.vary().containsKey("*")) {
            return false;
        }
        if (authorized && !given.isPublic() && !given.mustRevalidate() && given.sharedMaxAge() == CacheControl.ABSENT) {
            return false;
        }
        return Freshness.hasFreshnessInformation(candidate, given)
                || candidate.header("ETag") != null
                || candidate.header("Last-Modified") != null;
    }

    /**
     * Returns whether a request whose values for a header name {@code requestValue} gives matches
     * the request {@code stored} answered, on every field its {@code Vary} names (RFC 9111 §4.1).
     */
    public static boolean varyMatches(StoredResponse stored, Function<String, String> requestValue) {
        for (Map.Entry<String, String> field : stored.vary().entrySet()) {
            if (!Objects.equals(field.getValue(), requestValue.apply(field.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** Returns the directives of {@code stored}'s {@code Cache-Control} fields. */
    public static CacheControl control(StoredResponse stored) {
        List<String> values = stored.headers("Cache-Control");
        return CacheControl.parse(values, false);
    }

    private static long millis(long seconds) {
        return seconds >= Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : seconds * 1000;
    }
}
