package io.posthaste.internal.http2;

import io.netty.channel.Channel;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The one timer of an {@link Http2Connection}: it runs each stream's timeout check when due
 * ({@link H2Stream#checkIfDue}), and is re-armed for the earliest next deadline, so a busy
 * connection schedules one task however many streams it carries.
 *
 * <p>It also proves the peer alive with PING (RFC 9113 section 6.7): when a stream waited longer
 * than its read timeout ({@link #ping}), and, if a PING interval is set, whenever nothing was
 * read for that long (idle connections too). One PING is outstanding at a time; no ACK by its
 * deadline means the connection is dead ({@link Http2Connection#onPingUnanswered}). Our SETTINGS
 * unacknowledged after as long is a connection error too (SETTINGS_TIMEOUT).
 *
 * <p>Threading: event loop of the channel.
 */
final class H2Watchdog {

    private final Http2Connection connection;
    private final Channel channel;
    private final List<H2Stream> streams;
    private final long pingIntervalNanos;
    private final long pingTimeoutNanos;
    private ScheduledFuture<?> timer;
    private long timerDeadline;
    private long lastReadNanos = System.nanoTime();
    private boolean pingOutstanding;
    private long pingPayload;
    private long pingSentNanos;
    private long pingDeadline;
    private boolean stopped;
    private boolean settingsUnacknowledged;
    private boolean settingsAcknowledged;
    private long settingsSentNanos;

    /**
     * Watches {@code streams} (the connection's bound streams, a live view) on {@code channel}'s
     * loop.
     *
     * @param pingIntervalNanos how long the connection may read nothing before a PING; 0 for never
     * @param pingTimeoutNanos how long an interval PING may go unanswered
     */
    H2Watchdog(
            Http2Connection connection,
            Channel channel,
            List<H2Stream> streams,
            long pingIntervalNanos,
            long pingTimeoutNanos) {
        this.connection = connection;
        this.channel = channel;
        this.streams = streams;
        this.pingIntervalNanos = pingIntervalNanos;
        this.pingTimeoutNanos = pingTimeoutNanos;
    }

    /**
     * The connection is ready: interval PINGs, if any, start, and our SETTINGS (sent with the
     * preface) must be acknowledged within the PING timeout (RFC 9113 section 6.5.3).
     */
    void start() {
        if (!settingsAcknowledged) {
            settingsUnacknowledged = true;
            settingsSentNanos = System.nanoTime();
            checkWithin(pingTimeoutNanos);
        }
        if (pingIntervalNanos > 0) {
            checkWithin(pingIntervalNanos);
        }
    }

    /** The peer acknowledged our SETTINGS. */
    void onSettingsAck() {
        settingsAcknowledged = true;
        settingsUnacknowledged = false;
    }

    /** Something was read: the peer is alive for now. */
    void onRead() {
        if (pingIntervalNanos > 0) {
            lastReadNanos = System.nanoTime();
        }
    }

    /** Makes sure the checks run within {@code delayNanos}. */
    void checkWithin(long delayNanos) {
        if (stopped) {
            return;
        }
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

    /**
     * Sends a PING unless one is outstanding, and declares the connection dead if no ACK comes
     * within {@code timeoutNanos} (or the outstanding one's earlier deadline).
     */
    void ping(long timeoutNanos) {
        long now = System.nanoTime();
        if (!pingOutstanding) {
            pingOutstanding = true;
            pingPayload = now;
            pingSentNanos = now;
            pingDeadline = now + timeoutNanos;
            connection.writes().writePing(pingPayload);
        } else if (now + timeoutNanos - pingDeadline < 0) {
            pingDeadline = now + timeoutNanos;
        }
        checkWithin(Math.max(0, pingDeadline - now));
    }

    /** The peer acknowledged a PING carrying {@code payload}. */
    void onPingAck(long payload) {
        if (pingOutstanding && payload == pingPayload) {
            pingOutstanding = false;
        }
    }

    /** The connection is gone: no more checks. */
    void stop() {
        stopped = true;
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
            next = earliest(next, stream.checkIfDue(now));
        }
        if (settingsUnacknowledged) {
            long deadline = settingsSentNanos + pingTimeoutNanos;
            if (now - deadline >= 0) {
                connection.onSettingsUnacknowledged(TimeUnit.NANOSECONDS.toMillis(now - settingsSentNanos));
                return;
            }
            next = earliest(next, deadline);
        }
        if (pingOutstanding) {
            if (now - pingDeadline >= 0) {
                connection.onPingUnanswered(TimeUnit.NANOSECONDS.toMillis(now - pingSentNanos));
                return;
            }
            next = earliest(next, pingDeadline);
        } else if (pingIntervalNanos > 0) {
            long due = lastReadNanos + pingIntervalNanos;
            if (now - due >= 0) {
                ping(pingTimeoutNanos);
                return;
            }
            next = earliest(next, due);
        }
        if (next != 0) {
            checkWithin(Math.max(0, next - System.nanoTime()));
        }
    }

    private static long earliest(long a, long b) {
        return a == 0 || b != 0 && b - a < 0 ? b : a;
    }
}
