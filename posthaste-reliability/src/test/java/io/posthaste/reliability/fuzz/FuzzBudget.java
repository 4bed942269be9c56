package io.posthaste.reliability.fuzz;

import java.time.Duration;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The run's fuzzing budget, read from system properties, so the same suite runs as a one-minute
 * check in {@code ./mvnw verify} and as an hour-long hunt on demand. Surefire passes {@code -D}
 * options given to Maven on to the forked test JVM as system properties.
 *
 * <ul>
 *   <li>{@code -Dfuzz.scale=20}: each property runs 20 times the tries it states (default 1;
 *       tries are tuned so that the whole module takes about a minute at scale 1).</li>
 *   <li>{@code -Dfuzz.seed=-123456789}: every property draws its cases from this seed instead of
 *       a random one, to replay a failure; the failure message prints the seed.</li>
 *   <li>{@code -Dfuzz.case=17}: with {@code fuzz.seed}, runs only case 17 of each property (the
 *       failure message prints the index too), so a debugger stops at the failing input.</li>
 *   <li>{@code -Dfuzz.maxSeconds=60}: a property stops early, passing, once it has run this long
 *       (default 20 × scale), and says how many cases it ran: a slow, shared machine must not
 *       stall the build.</li>
 * </ul>
 */
final class FuzzBudget {

    private FuzzBudget() {}

    /** Returns {@code declared} × {@code fuzz.scale}, at least 1. */
    static int tries(int declared) {
        double scaled = declared * scale();
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, scaled));
    }

    /** Returns the fixed seed, if {@code fuzz.seed} is given. */
    static OptionalLong seed() {
        String seed = System.getProperty("fuzz.seed", "").trim();
        return seed.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(seed));
    }

    /** Returns the only case to run, if {@code fuzz.case} is given. */
    static OptionalInt onlyCase() {
        String only = System.getProperty("fuzz.case", "").trim();
        return only.isEmpty() ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(only));
    }

    /** Returns how long one property may run before it stops early. */
    static Duration timeCap() {
        String seconds = System.getProperty("fuzz.maxSeconds", "").trim();
        double cap = seconds.isEmpty() ? 20 * scale() : Double.parseDouble(seconds);
        return Duration.ofMillis((long) (cap * 1000));
    }

    private static double scale() {
        double scale = Double.parseDouble(System.getProperty("fuzz.scale", "1").trim());
        if (!(scale > 0)) {
            throw new IllegalArgumentException("fuzz.scale must be positive: " + scale);
        }
        return scale;
    }
}
