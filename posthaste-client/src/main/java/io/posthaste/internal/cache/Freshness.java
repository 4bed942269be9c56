package io.posthaste.internal.cache;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * How old a stored response is and how long it stays fresh, as RFC 9111 §4.2 computes them for a
 * private cache. All times are epoch milliseconds; stateless.
 */
public final class Freshness {

    /** Statuses a cache may store and, with {@code Last-Modified}, give a heuristic lifetime. */
    private static final int HEURISTIC_STATUS = 200;

    private Freshness() {}

    /**
     * Returns the current age of {@code stored} at {@code now} (§4.2.3): the age it had on arrival,
     * corrected for the clock of the server and the time in flight, plus the time since.
     */
    public static long currentAgeMillis(StoredResponse stored, long now) {
        long date = dateOrArrival(stored);
        long apparentAge = Math.max(0, stored.responseMillis() - date);
        long ageValue = parseSeconds(stored.header("Age")) * 1000;
        long responseDelay = stored.responseMillis() - stored.requestMillis();
        long correctedInitialAge = Math.max(apparentAge, ageValue + responseDelay);
        return correctedInitialAge + Math.max(0, now - stored.responseMillis());
    }

    /**
     * Returns how long {@code stored} is fresh after it was made (§4.2.1): its {@code max-age}
     * ({@code s-maxage} is for shared caches), else {@code Expires - Date} (an invalid Expires is
     * already stale), else for a 200 with {@code Last-Modified} a tenth of the time since that
     * modification (§4.2.2), else nothing.
     */
    public static long lifetimeMillis(StoredResponse stored, CacheControl control) {
        if (control.maxAge() != CacheControl.ABSENT) {
            return control.maxAge() * 1000;
        }
        String expires = stored.header("Expires");
        if (expires != null) {
            long at = parseDate(expires);
            return at < 0 ? 0 : Math.max(0, at - dateOrArrival(stored));
        }
        String lastModified = stored.header("Last-Modified");
        if (stored.status() == HEURISTIC_STATUS && lastModified != null) {
            long modified = parseDate(lastModified);
            return modified < 0 ? 0 : Math.max(0, (dateOrArrival(stored) - modified) / 10);
        }
        return 0;
    }

    /** Returns whether {@code stored} says how long it is fresh, or can be given a heuristic lifetime. */
    public static boolean hasFreshnessInformation(StoredResponse stored, CacheControl control) {
        return control.maxAge() != CacheControl.ABSENT
                || stored.header("Expires") != null
                || stored.status() == HEURISTIC_STATUS && stored.header("Last-Modified") != null;
    }

    /** Returns the {@code Date} of {@code stored}, or when it arrived if it has none valid. */
    private static long dateOrArrival(StoredResponse stored) {
        String date = stored.header("Date");
        long parsed = date == null ? -1 : parseDate(date);
        return parsed < 0 ? stored.responseMillis() : parsed;
    }

    /** Parses an HTTP date (IMF-fixdate, the RFC 1123 form); -1 if it is not one. */
    public static long parseDate(String value) {
        try {
            return ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant()
                    .toEpochMilli();
        } catch (DateTimeParseException e) {
            return -1;
        }
    }

    private static long parseSeconds(String value) {
        if (value == null) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
