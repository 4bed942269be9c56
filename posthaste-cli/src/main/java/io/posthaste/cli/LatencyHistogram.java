package io.posthaste.cli;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Latencies in microseconds, counted in log-linear buckets: exact below 128 µs, then 64 buckets
 * per power of two (a value is known to within 1.6 %), up to about 12 days. Fixed size (a few
 * thousand counters), so a run of any length costs the same memory. Thread-safe; recording is
 * one atomic increment.
 */
final class LatencyHistogram {

    private static final int EXACT = 128;
    private static final int SUB_BUCKETS = 64;
    private static final int SUB_BITS = 6;
    private static final int OCTAVES = 34;

    private final AtomicLongArray counts = new AtomicLongArray(EXACT + OCTAVES * SUB_BUCKETS);
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong sumMicros = new AtomicLong();
    private final AtomicLong minMicros = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong maxMicros = new AtomicLong();

    /** Records one latency of {@code nanos}. */
    void record(long nanos) {
        long micros = Math.max(0, nanos / 1000);
        counts.incrementAndGet(index(micros));
        total.incrementAndGet();
        sumMicros.addAndGet(micros);
        minMicros.accumulateAndGet(micros, Math::min);
        maxMicros.accumulateAndGet(micros, Math::max);
    }

    long count() {
        return total.get();
    }

    long maxMicros() {
        return maxMicros.get();
    }

    long minMicros() {
        long min = minMicros.get();
        return min == Long.MAX_VALUE ? 0 : min;
    }

    double meanMicros() {
        long n = total.get();
        return n == 0 ? 0 : (double) sumMicros.get() / n;
    }

    /**
     * Returns the latency (µs) at or below which {@code fraction} (0..1] of the recorded ones
     * lie: the upper end of the bucket holding that rank, never above the maximum seen.
     */
    long percentileMicros(double fraction) {
        long n = total.get();
        if (n == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(fraction * n));
        long seen = 0;
        for (int i = 0; i < counts.length(); i++) {
            seen += counts.get(i);
            if (seen >= rank) {
                return Math.min(upperBound(i), maxMicros.get());
            }
        }
        return maxMicros.get();
    }

    /** Returns how many recorded latencies lie in [{@code fromMicros}, {@code toMicros}). */
    long countBetween(long fromMicros, long toMicros) {
        long sum = 0;
        for (int i = 0; i < counts.length(); i++) {
            long c = counts.get(i);
            if (c != 0) {
                long value = lowerBound(i);
                if (value >= fromMicros && value < toMicros) {
                    sum += c;
                }
            }
        }
        return sum;
    }

    static int index(long micros) {
        if (micros < EXACT) {
            return (int) micros;
        }
        int shift = 63 - Long.numberOfLeadingZeros(micros) - SUB_BITS;
        int octave = Math.min(shift, OCTAVES) - 1;
        long sub = Math.min((micros >> shift) - SUB_BUCKETS, SUB_BUCKETS - 1);
        return EXACT + octave * SUB_BUCKETS + (int) sub;
    }

    static long lowerBound(int index) {
        if (index < EXACT) {
            return index;
        }
        int octave = (index - EXACT) / SUB_BUCKETS;
        int sub = (index - EXACT) % SUB_BUCKETS;
        return (long) (SUB_BUCKETS + sub) << (octave + 1);
    }

    static long upperBound(int index) {
        if (index < EXACT) {
            return index;
        }
        int octave = (index - EXACT) / SUB_BUCKETS;
        return lowerBound(index) + (1L << (octave + 1)) - 1;
    }
}
