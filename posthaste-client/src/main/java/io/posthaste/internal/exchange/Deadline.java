package io.posthaste.internal.exchange;

import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The end of a call's {@code total} timeout: one instant for the whole call — every redirect hop,
 * every retry and every backoff wait — fixed when the call starts. Immutable; any thread.
 */
public final class Deadline {

    /** No total timeout: the call may take as long as its other timeouts allow. */
    public static final Deadline NONE = new Deadline(null, 0, System::nanoTime);

    private final Duration total;
    private final long endNanos;
    private final LongSupplier clock;

    private Deadline(Duration total, long endNanos, LongSupplier clock) {
        this.total = total;
        this.endNanos = endNanos;
        this.clock = clock;
    }

    /** Returns the deadline {@code total} from now, or {@link #NONE} if there is no total. */
    public static Deadline after(Optional<Duration> total) {
        return after(total, System::nanoTime);
    }

    /** As {@link #after(Optional)}, reading time from {@code clock} (nanoseconds, as nanoTime). */
    public static Deadline after(Optional<Duration> total, LongSupplier clock) {
        return total.map(t -> new Deadline(t, clock.getAsLong() + t.toNanos(), clock))
                .orElse(NONE);
    }

    /** Returns whether there is a deadline at all. */
    public boolean isSet() {
        return total != null;
    }

    /** Returns the total timeout this deadline ends; only when {@link #isSet()}. */
    public Duration total() {
        return total;
    }

    /** Returns the time left, which is zero or negative once the deadline has passed. */
    public long remainingNanos() {
        return isSet() ? endNanos - clock.getAsLong() : Long.MAX_VALUE;
    }

    /** Returns whether a wait of {@code wait} starting now would end before the deadline. */
    public boolean covers(Duration wait) {
        return remainingNanos() > wait.toNanos();
    }
}
