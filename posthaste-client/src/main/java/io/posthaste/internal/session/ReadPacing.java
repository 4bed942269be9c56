package io.posthaste.internal.session;

import java.util.concurrent.TimeUnit;

/**
 * When a busy HTTP/2 connection holds its next read, and for how long ({@code H2ReadPacing} says
 * why): after a read of fewer than {@code smallRead} bytes that began less than
 * {@code busyGapNanos} after the one before ended, while at least {@code minStreams} streams await
 * their answers, the connection reads nothing for {@code holdNanos}.
 *
 * @param holdNanos how long a hold lasts
 * @param minStreams the fewest streams awaiting answers for a hold
 * @param busyGapNanos the longest time between two reads that are part of one trickle
 * @param smallRead the size from which a read is no part of a trickle of small frames
 */
public record ReadPacing(long holdNanos, int minStreams, long busyGapNanos, int smallRead) {

    private static final long HOLD_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

    /**
     * Every session's: a hold of 50 µs (several server writes' time, and short beside any answer's
     * wait) when at least 32 streams await answers (the server has work for that long), after a read
     * of less than 4 KiB that began less than 200 µs after the last.
     */
    public static final ReadPacing DEFAULT = new ReadPacing(HOLD_NANOS, 32, 4 * HOLD_NANOS, 4096);

    /**
     * For tests: a hold after every read that leaves a stream waiting, however large or seldom, so
     * that a fault test's few calls take the path a busy connection's take.
     */
    public static final ReadPacing EVERY_READ = new ReadPacing(HOLD_NANOS, 1, Long.MAX_VALUE, Integer.MAX_VALUE);
}
