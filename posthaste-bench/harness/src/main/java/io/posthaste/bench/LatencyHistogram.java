package io.posthaste.bench;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A fixed, allocation-free latency histogram: 64 linear sub-buckets per power of two of
 * nanoseconds (≤ 1.6% error), safe to record into from many threads.
 */
final class LatencyHistogram {

    private static final int SUB = 64;
    private static final int SUB_BITS = 6;
    private final AtomicLongArray counts = new AtomicLongArray(64 * SUB);

    void record(long nanos) {
        counts.incrementAndGet(index(Math.max(nanos, 0)));
    }

    /** Values below 64 map to themselves; above, 64 buckets per power of two. */
    private static int index(long v) {
        if (v < SUB) {
            return (int) v;
        }
        int shift = 63 - Long.numberOfLeadingZeros(v) - SUB_BITS;
        return (shift + 1) * SUB + (int) ((v >>> shift) - SUB);
    }

    private static long lowerBound(int idx) {
        if (idx < SUB) {
            return idx;
        }
        int shift = idx / SUB - 1;
        return (long) (idx % SUB + SUB) << shift;
    }

    long total() {
        long n = 0;
        for (int i = 0; i < counts.length(); i++) {
            n += counts.get(i);
        }
        return n;
    }

    /** Returns the latency at {@code quantile} (0..1) in nanoseconds, or -1 when empty. */
    long quantile(double quantile) {
        long n = total();
        if (n == 0) {
            return -1;
        }
        long rank = (long) Math.ceil(quantile * n);
        long seen = 0;
        for (int i = 0; i < counts.length(); i++) {
            seen += counts.get(i);
            if (seen >= rank) {
                return lowerBound(i);
            }
        }
        return lowerBound(counts.length() - 1);
    }

    void reset() {
        for (int i = 0; i < counts.length(); i++) {
            counts.set(i, 0);
        }
    }
}
