package io.posthaste.internal.exchange;

import io.netty.channel.EventLoop;
import io.posthaste.ClientTimeoutException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * An exchange's clocks, kept without an object of their own: the call's one total deadline (a
 * timer on the source's loop, for what is left of it) and the read and write limits, which count from the last byte that moved either
 * way. The idle limits need no timer of their own: the carrier runs one check per connection
 * ({@link Carrier#checkWithin}), so a busy keep-alive connection schedules nothing per request.
 */
final class Watchdog {

    private Watchdog() {}

    /**
     * Fails {@code exchange} when {@code deadline} passes, from a timer on {@code loop}; returns
     * the timer, or null if there is no deadline. Any thread.
     */
    static ScheduledFuture<?> armTotal(Exchange exchange, ExchangeSpec spec, Deadline deadline, EventLoop loop) {
        if (!deadline.isSet()) {
            return null;
        }
        // The call's one deadline: an earlier hop or retry may have used most of it.
        return loop.schedule(
                () -> exchange.fail(expired(spec, deadline)), deadline.remainingNanos(), TimeUnit.NANOSECONDS);
    }

    /** Returns whether the call's {@code deadline} has already passed. */
    static boolean hasPassed(Deadline deadline) {
        return deadline.isSet() && deadline.remainingNanos() <= 0;
    }

    /** Returns the error of a call whose {@code deadline} passed. */
    static ClientTimeoutException expired(ExchangeSpec spec, Deadline deadline) {
        return Failures.timeout(spec, ClientTimeoutException.Phase.TOTAL, deadline.total(), 0);
    }

    /**
     * Fails {@code exchange} with the read or write timeout if nothing moved for that long on
     * {@code carrier} (reading paused for a slow reader does not count); otherwise asks the
     * carrier to check again when the limit could next run out. Event loop.
     */
    static void check(
            Exchange exchange, ExchangeSpec spec, Carrier carrier, Attempt attempt, ResponseBodyStream stream) {
        boolean paused = stream != null && stream.isPaused();
        boolean writing = attempt.isWriting();
        Duration limit = writing ? spec.timeouts().write() : spec.timeouts().read();
        long idle = System.nanoTime() - Math.max(attempt.lastActivityNanos(), carrier.lastReadNanos());
        if (!paused && idle >= limit.toNanos()) {
            carrier.markBroken();
            exchange.fail(Failures.timeout(
                    spec,
                    writing ? ClientTimeoutException.Phase.WRITE : ClientTimeoutException.Phase.READ,
                    limit,
                    carrier.receivedBytes()));
            return;
        }
        carrier.checkWithin(paused ? limit.toNanos() : limit.toNanos() - idle);
    }
}
