package io.posthaste.internal.exchange;

import io.netty.channel.EventLoop;
import io.posthaste.ClientTimeoutException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * An exchange's clocks: the call's one total deadline (a timer on the source's loop, for what is
 * left of it) and the read and write limits, which count from the last byte that moved either
 * way. The idle limits need no timer of their own: the carrier runs one check per connection
 * ({@link Carrier#checkWithin}), so a busy keep-alive connection schedules nothing per request.
 */
final class Watchdog {

    private final Exchange exchange;
    private final ExchangeSpec spec;
    private ScheduledFuture<?> total;

    Watchdog(Exchange exchange, ExchangeSpec spec) {
        this.exchange = exchange;
        this.spec = spec;
    }

    /**
     * Fails the exchange when {@code deadline} passes; returns the timeout error instead if it
     * already has (then nothing is armed). Any thread.
     */
    ClientTimeoutException armTotal(Deadline deadline, EventLoop loop) {
        if (!deadline.isSet()) {
            return null;
        }
        // The call's one deadline: an earlier hop or retry may have used most of it.
        long remaining = deadline.remainingNanos();
        if (remaining <= 0) {
            return expired(deadline);
        }
        total = loop.schedule(() -> exchange.fail(expired(deadline)), remaining, TimeUnit.NANOSECONDS);
        return null;
    }

    private ClientTimeoutException expired(Deadline deadline) {
        return Failures.timeout(spec, ClientTimeoutException.Phase.TOTAL, deadline.total(), 0);
    }

    /** Stops the total timer. Any thread. */
    void cancel() {
        ScheduledFuture<?> timer = total;
        if (timer != null) {
            timer.cancel(false);
        }
    }

    /**
     * Fails the exchange with the read or write timeout if nothing moved for that long (reading
     * paused for a slow reader does not count); otherwise asks {@code carrier} to check again
     * when the limit could next run out. Event loop.
     */
    void check(Carrier carrier, Attempt attempt, ResponseBodyStream stream) {
        boolean paused = stream != null && stream.isPaused();
        boolean writing = attempt.isWriting();
        Duration limit = writing ? spec.timeouts().write() : spec.timeouts().read();
        long idle = System.nanoTime() - Math.max(attempt.lastActivityNanos(), carrier.lastReadNanos());
        if (!paused && idle >= limit.toNanos()) {
            carrier.markBroken();
            exchange.fail(Failures.timeout(spec, writing ? ClientTimeoutException.Phase.WRITE
                    : ClientTimeoutException.Phase.READ, limit, carrier.receivedBytes()));
            return;
        }
        carrier.checkWithin(paused ? limit.toNanos() : limit.toNanos() - idle);
    }
}
