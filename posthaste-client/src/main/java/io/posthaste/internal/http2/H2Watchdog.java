package io.posthaste.internal.http2;

import io.netty.channel.Channel;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The one timer of an {@link Http2Connection}: it runs each stream's timeout check when due
 * ({@link H2Stream#checkIfDue}), and is re-armed for the earliest next deadline, so a busy
 * connection schedules one task however many streams it carries. Event loop of the channel.
 */
final class H2Watchdog {

    private final Channel channel;
    private final List<H2Stream> streams;
    private ScheduledFuture<?> timer;
    private long timerDeadline;

    /** Watches {@code streams} (the connection's bound streams, a live view) on {@code channel}'s loop. */
    H2Watchdog(Channel channel, List<H2Stream> streams) {
        this.channel = channel;
        this.streams = streams;
    }

    /** Makes sure the checks run within {@code delayNanos}. */
    void checkWithin(long delayNanos) {
        long deadline = System.nanoTime() + delayNanos;
        if (timer != null) {
            if (timerDeadline - deadline <= 0) {
                return;
            }
            timer.cancel(false);
        }
        timerDeadline = deadline;
        timer = channel.eventLoop().schedule(this::run, delayNanos, TimeUnit.NANOSECONDS);
    }

    /** The connection is gone: no more checks. */
    void stop() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void run() {
        timer = null;
        long now = System.nanoTime();
        long next = 0;
        for (H2Stream stream : streams.toArray(new H2Stream[0])) {
            long deadline = stream.checkIfDue(now);
            if (deadline != 0 && (next == 0 || deadline - next < 0)) {
                next = deadline;
            }
        }
        if (next != 0) {
            checkWithin(Math.max(0, next - System.nanoTime()));
        }
    }
}
