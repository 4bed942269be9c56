package io.posthaste.reliability.fuzz;

import java.time.Duration;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.function.ThrowingConsumer;

/**
 * A small seeded random-testing harness on plain JUnit: a property is a JUnit test that calls
 * {@link #check} with a generator and an assertion.
 *
 * <p>Replay: case {@code i} of a run draws its input from {@code new SplittableRandom(seed ^
 * mix(i))} alone, so any case can be generated again from the pair (seed, i) without running the
 * cases before it. The seed is random for each property run unless {@code -Dfuzz.seed} fixes it;
 * {@link FuzzBudget} lists the other knobs (scale, single case, time cap).
 */
public final class Fuzz {

    /** Shrinking tries at most this many smaller inputs... */
    static final int SHRINK_ATTEMPTS = 300;
    /** ...and stops after this long: a shrunk input is a convenience, the original is the proof. */
    static final Duration SHRINK_TIME = Duration.ofSeconds(2);

    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    private Fuzz() {}

    /**
     * Runs {@code property} on {@code tries} inputs from {@code generator} (times
     * {@code fuzz.scale}), stopping early, and passing, once the property has run longer than
     * {@code fuzz.maxSeconds}. Prints one line per run: cases run, time, seed.
     *
     * <p>On the first input for which {@code property} throws anything, it shrinks that input if
     * the generator offers smaller variants ({@link Gen#shrink}; at most {@link #SHRINK_ATTEMPTS}
     * tries or {@link #SHRINK_TIME}, keeping only variants that fail with the same exception
     * class), then throws an {@link AssertionError} that names the property, the seed, the case
     * index and the input (escaped and truncated by {@link InputText}), with the original failure
     * as its cause and the shrunk input's failure, if any, as a suppressed exception. A generator
     * that throws fails the same way.
     *
     * <p>{@code property} must not modify its input, which is printed after it ran.
     *
     * @param name the property's name, as in its test method
     */
    public static <T> void check(String name, int tries, Gen<T> generator, ThrowingConsumer<T> property) {
        String fullName = WALKER.getCallerClass().getSimpleName() + "." + name;
        int total = FuzzBudget.tries(tries);
        long seed =
                FuzzBudget.seed().orElseGet(() -> ThreadLocalRandom.current().nextLong());
        OptionalInt only = FuzzBudget.onlyCase();
        int first = only.orElse(0);
        int end = only.isPresent() ? first + 1 : total;
        long start = System.nanoTime();
        long deadline = start + FuzzBudget.timeCap().toNanos();
        int ran = 0;
        for (int i = first; i < end; i++) {
            if (ran > 0 && System.nanoTime() - deadline > 0) {
                break;
            }
            T input;
            try {
                input = generator.next(random(seed, i));
            } catch (RuntimeException | StackOverflowError broken) {
                throw new AssertionError(header(fullName, seed, i, total) + ": the generator failed", broken);
            }
            Throwable failure = run(property, input);
            ran++;
            if (failure != null) {
                throw failed(fullName, seed, i, total, input, failure, generator, property);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
                "[fuzz] %s: %d of %d cases in %.1f s%s, seed %d%n",
                fullName,
                ran,
                total,
                seconds,
                ran < end - first ? " (stopped by the time cap, -Dfuzz.maxSeconds)" : "",
                seed);
    }

    /** Returns the random source of case {@code index} under {@code seed}. */
    static SplittableRandom random(long seed, int index) {
        return new SplittableRandom(seed ^ mix(index));
    }

    /**
     * Spreads the bits of a case index over a long (the finaliser of the SplitMix64 generator),
     * so neighbouring indexes give unrelated seeds.
     */
    static long mix(long index) {
        long z = index * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static <T> Throwable run(ThrowingConsumer<T> property, T input) {
        try {
            property.accept(input);
            return null;
        } catch (Throwable failure) { // anything a property throws is a failure, assertion or not
            return failure;
        }
    }

    private static <T> AssertionError failed(
            String name,
            long seed,
            int index,
            int total,
            T input,
            Throwable failure,
            Gen<T> generator,
            ThrowingConsumer<T> property) {
        StringBuilder message = new StringBuilder(header(name, seed, index, total))
                .append("\n  failure: ")
                .append(failure)
                .append("\n  input: ")
                .append(InputText.of(input));
        Shrunk<T> shrunk = shrink(input, failure, generator, property);
        if (shrunk.steps() > 0) {
            message.append("\n  shrunk (")
                    .append(shrunk.steps())
                    .append(" steps, ")
                    .append(shrunk.attempts())
                    .append(" attempts) to: ")
                    .append(InputText.of(shrunk.input()))
                    .append("\n  its failure: ")
                    .append(shrunk.failure());
        }
        message.append("\n  replay: -Dfuzz.seed=")
                .append(seed)
                .append(" (add -Dfuzz.case=")
                .append(index)
                .append(" to run this case alone)");
        AssertionError error = new AssertionError(message.toString(), failure);
        if (shrunk.steps() > 0) {
            error.addSuppressed(shrunk.failure());
        }
        return error;
    }

    private static String header(String name, long seed, int index, int total) {
        return "Property " + name + " failed at case " + index + " of " + total + " (seed " + seed + ")";
    }

    private record Shrunk<T>(T input, Throwable failure, int steps, int attempts) {}

    /** Greedy: takes the first smaller variant that still fails alike, and starts again from it. */
    private static <T> Shrunk<T> shrink(T input, Throwable failure, Gen<T> generator, ThrowingConsumer<T> property) {
        long deadline = System.nanoTime() + SHRINK_TIME.toNanos();
        T smallest = input;
        Throwable smallestFailure = failure;
        int steps = 0;
        int attempts = 0;
        boolean progress = true;
        while (progress) {
            progress = false;
            for (T candidate : generator.shrink(smallest)) {
                if (attempts >= SHRINK_ATTEMPTS || System.nanoTime() - deadline > 0) {
                    return new Shrunk<>(smallest, smallestFailure, steps, attempts);
                }
                attempts++;
                Throwable candidateFailure = run(property, candidate);
                if (candidateFailure != null && candidateFailure.getClass() == failure.getClass()) {
                    smallest = candidate;
                    smallestFailure = candidateFailure;
                    steps++;
                    progress = true;
                    break;
                }
            }
        }
        return new Shrunk<>(smallest, smallestFailure, steps, attempts);
    }
}
