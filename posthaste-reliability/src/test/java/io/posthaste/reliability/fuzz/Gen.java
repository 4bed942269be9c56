package io.posthaste.reliability.fuzz;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A generator of random values for {@link Fuzz#check}.
 *
 * <p>Contract: {@link #next} draws only from the random source it is given (no other state, no
 * clock), so the same source state always yields the same value; that is what makes a case
 * replayable from its seed and index. A generator may return mutable values (lists, arrays):
 * each call returns a fresh one.
 *
 * <p>Bounded generators ({@link #ints}, {@link #list}, {@link #bytes}) pick their bounds and a
 * few other edges (0, 1, bound + 1) about one time in eight, so that empty and maximal values
 * come up in every few dozen cases rather than by luck.
 *
 * @param <T> the generated type
 */
@FunctionalInterface
public interface Gen<T> {

    /** How many draws {@link #filter} makes before it gives up on a too-strict predicate. */
    int FILTER_ATTEMPTS = 10_000;

    /** Returns the next value, drawn from {@code random} alone. */
    T next(SplittableRandom random);

    /**
     * Returns smaller variants of a failing {@code value} that are still values this generator
     * could return, most aggressive first; {@link Fuzz} tries them to shrink a failure. None by
     * default: only generators that know their domain offer any (see {@link #list}).
     */
    default List<T> shrink(T value) {
        return List.of();
    }

    /** Returns a generator of {@code f} applied to this one's values (no shrinking). */
    default <R> Gen<R> map(Function<? super T, ? extends R> f) {
        return random -> f.apply(next(random));
    }

    /**
     * Returns a generator of this one's values that satisfy {@code keep}, shrinking like this one
     * within them. Draws at most {@link #FILTER_ATTEMPTS} times per value, then throws
     * {@link IllegalStateException}: a filter that rejects nearly everything is a bug in the test.
     */
    default Gen<T> filter(Predicate<? super T> keep) {
        Gen<T> source = this;
        return new Gen<>() {
            @Override
            public T next(SplittableRandom random) {
                for (int i = 0; i < FILTER_ATTEMPTS; i++) {
                    T value = source.next(random);
                    if (keep.test(value)) {
                        return value;
                    }
                }
                throw new IllegalStateException("filter rejected " + FILTER_ATTEMPTS + " values in a row");
            }

            @Override
            public List<T> shrink(T value) {
                return source.shrink(value).stream().filter(keep).toList();
            }
        };
    }

    /**
     * Returns lists of {@code min..max} independent values of this generator. Shrinks by dropping
     * elements (halves first, then one at a time), never below {@code min}.
     */
    default Gen<List<T>> list(int min, int max) {
        Gen<T> element = this;
        Gen<Integer> size = ints(min, max);
        return new Gen<>() {
            @Override
            public List<T> next(SplittableRandom random) {
                int n = size.next(random);
                List<T> out = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    out.add(element.next(random));
                }
                return out;
            }

            @Override
            public List<List<T>> shrink(List<T> value) {
                List<List<T>> smaller = new ArrayList<>();
                int n = value.size();
                if (n / 2 >= min && n > 1) {
                    smaller.add(List.copyOf(value.subList(0, n / 2)));
                    smaller.add(List.copyOf(value.subList(n - n / 2, n)));
                }
                for (int i = 0; i < n && n - 1 >= min; i++) {
                    List<T> without = new ArrayList<>(value);
                    without.remove(i);
                    smaller.add(without);
                }
                return smaller;
            }
        };
    }

    /** Returns a generator that always returns {@code value}. */
    static <T> Gen<T> constant(T value) {
        return random -> value;
    }

    /** Returns one of {@code values}, uniformly. */
    @SafeVarargs
    static <T> Gen<T> of(T... values) {
        return of(Arrays.asList(values));
    }

    /** Returns one of {@code values}, uniformly; the list must not be empty. */
    static <T> Gen<T> of(List<? extends T> values) {
        List<? extends T> copy = List.copyOf(values);
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("no values");
        }
        return random -> copy.get(random.nextInt(copy.size()));
    }

    /** Returns a value of one of {@code gens}, picked uniformly. */
    @SafeVarargs
    static <T> Gen<T> oneOf(Gen<? extends T>... gens) {
        List<Gen<? extends T>> copy = List.of(gens);
        return random -> copy.get(random.nextInt(copy.size())).next(random);
    }

    /** A generator and its weight, for {@link #frequency}. */
    record Weighted<T>(int weight, Gen<? extends T> gen) {
        public Weighted {
            if (weight <= 0) {
                throw new IllegalArgumentException("weight must be positive: " + weight);
            }
        }
    }

    /** Returns {@code gen} with {@code weight}, for {@link #frequency}. */
    static <T> Weighted<T> weight(int weight, Gen<? extends T> gen) {
        return new Weighted<>(weight, gen);
    }

    /** Returns a value of one of the generators, picked with probability weight / total weight. */
    @SafeVarargs
    static <T> Gen<T> frequency(Weighted<T>... choices) {
        List<Weighted<T>> copy = List.of(choices);
        int total = copy.stream().mapToInt(Weighted::weight).sum();
        return random -> {
            int pick = random.nextInt(total);
            for (Weighted<T> choice : copy) {
                pick -= choice.weight();
                if (pick < 0) {
                    return choice.gen().next(random);
                }
            }
            throw new AssertionError("unreachable: weights sum to " + total);
        };
    }

    /** Returns ints in {@code min..max} (inclusive): edges (min, max, min + 1, 0) one time in eight. */
    static Gen<Integer> ints(int min, int max) {
        if (min > max) {
            throw new IllegalArgumentException(min + " > " + max);
        }
        return random -> {
            if (random.nextInt(8) == 0) {
                long[] edges = {min, max, min + 1L, 0};
                long edge = edges[random.nextInt(edges.length)];
                if (edge >= min && edge <= max) {
                    return (int) edge;
                }
            }
            return (int) random.nextLong(min, max + 1L);
        };
    }

    /** Returns any int: 0, ±1, MIN_VALUE and MAX_VALUE one time in eight, else uniform. */
    static Gen<Integer> anyInt() {
        int[] edges = {0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE};
        return random -> random.nextInt(8) == 0 ? edges[random.nextInt(edges.length)] : random.nextInt();
    }

    /** Returns true or false with equal chance. */
    static Gen<Boolean> booleans() {
        return SplittableRandom::nextBoolean;
    }

    /** Returns one character in {@code from..to} (inclusive, UTF-16 units), as a string. */
    static Gen<String> charIn(char from, char to) {
        return random -> String.valueOf((char) random.nextInt(from, to + 1));
    }

    /** Returns arrays of {@code min..max} random bytes (lengths edge-biased like {@link #ints}). */
    static Gen<byte[]> bytes(int min, int max) {
        Gen<Integer> size = ints(min, max);
        return random -> {
            byte[] out = new byte[size.next(random)];
            random.nextBytes(out);
            return out;
        };
    }
}
