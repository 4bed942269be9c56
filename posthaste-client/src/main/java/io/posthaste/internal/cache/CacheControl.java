package io.posthaste.internal.cache;

import java.util.List;
import java.util.Locale;

/**
 * The {@code Cache-Control} directives a private cache acts on (RFC 9111 §5.2, RFC 5861), of a
 * request or of a response. Durations are in seconds, {@link #ABSENT} when not given. Unknown
 * directives are ignored, as the RFC asks; {@code s-maxage} is read but a private cache never
 * uses it for freshness.
 *
 * @param noStore {@code no-store}
 * @param noCache {@code no-cache} (also a request's {@code Pragma: no-cache} without Cache-Control)
 * @param mustRevalidate {@code must-revalidate} or {@code proxy-revalidate}'s private-cache half
 * @param onlyIfCached {@code only-if-cached} (request)
 * @param isPublic {@code public}
 * @param maxAge {@code max-age}
 * @param sharedMaxAge {@code s-maxage} (only to allow storing an authorized answer)
 * @param maxStale {@code max-stale} (request); {@link Long#MAX_VALUE} when given without a value
 * @param minFresh {@code min-fresh} (request)
 * @param staleWhileRevalidate {@code stale-while-revalidate} (response)
 * @param staleIfError {@code stale-if-error} (request or response)
 */
public record CacheControl(
        boolean noStore,
        boolean noCache,
        boolean mustRevalidate,
        boolean onlyIfCached,
        boolean isPublic,
        long maxAge,
        long sharedMaxAge,
        long maxStale,
        long minFresh,
        long staleWhileRevalidate,
        long staleIfError) {

    /** A duration directive that was not given. */
    public static final long ABSENT = -1;

    /** Parses every {@code Cache-Control} field value; {@code pragmaNoCache} for a request's Pragma. */
    public static CacheControl parse(List<String> values, boolean pragmaNoCache) {
        boolean noStore = false;
        boolean noCache = values.isEmpty() && pragmaNoCache;
        boolean mustRevalidate = false;
        boolean onlyIfCached = false;
        boolean isPublic = false;
        long maxAge = ABSENT;
        long sMaxAge = ABSENT;
        long maxStale = ABSENT;
        long minFresh = ABSENT;
        long swr = ABSENT;
        long sie = ABSENT;
        for (String value : values) {
            for (String directive : value.split(",")) {
                int eq = directive.indexOf('=');
                String name =
                        (eq < 0 ? directive : directive.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
                String argument =
                        eq < 0 ? null : unquote(directive.substring(eq + 1).trim());
                switch (name) {
                    case "no-store" -> noStore = true;
                    case "no-cache" -> noCache = true;
                    case "must-revalidate", "proxy-revalidate" -> mustRevalidate = true;
                    case "only-if-cached" -> onlyIfCached = true;
                    case "public" -> isPublic = true;
                    case "max-age" -> maxAge = seconds(argument, maxAge);
                    case "s-maxage" -> sMaxAge = seconds(argument, sMaxAge);
                    case "max-stale" -> maxStale = argument == null ? Long.MAX_VALUE : seconds(argument, maxStale);
                    case "min-fresh" -> minFresh = seconds(argument, minFresh);
                    case "stale-while-revalidate" -> swr = seconds(argument, swr);
                    case "stale-if-error" -> sie = seconds(argument, sie);
                    default -> {}
                }
            }
        }
        return new CacheControl(
                noStore,
                noCache,
                mustRevalidate,
                onlyIfCached,
                isPublic,
                maxAge,
                sMaxAge,
                maxStale,
                minFresh,
                swr,
                sie);
    }

    /**
     * Reads a delta-seconds argument; an invalid one keeps {@code previous}, except that an
     * unparseable {@code max-age} must not make a response fresh, so it reads as 0 (RFC 9111
     * §4.2.1 treats an invalid freshness value as already stale).
     */
    private static long seconds(String argument, long previous) {
        if (argument == null || argument.isEmpty()) {
            return previous == ABSENT ? 0 : previous;
        }
        for (int i = 0; i < argument.length(); i++) {
            if (argument.charAt(i) < '0' || argument.charAt(i) > '9') {
                return 0;
            }
        }
        // Values beyond 2^31 seconds mean "forever" (RFC 9111 §1.2.2): saturate, never overflow.
        return argument.length() > 10 ? Integer.MAX_VALUE : Math.min(Long.parseLong(argument), Integer.MAX_VALUE);
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1)
                : value;
    }
}
