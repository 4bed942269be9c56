package io.posthaste.internal.exchange;

import io.posthaste.Timings;
import io.posthaste.internal.Bridge;
import io.posthaste.internal.connection.ConnectTimes;
import java.util.function.Supplier;

/**
 * When each phase of one exchange began and ended ({@link System#nanoTime()}), kept by the
 * exchange as it goes, and the call's totals once the call that it answered is over. The one
 * object timing costs per exchange: a {@link Timings} is made from it only when someone asks
 * ({@link #get}). A silent retry on a fresh connection starts the phases again; the last attempt's
 * are kept.
 *
 * <p>Threading: the exchange writes the phases on its event loop, and the call its totals when
 * its steps are done; both happen before the response is handed to anyone who can read it,
 * except the end of a streamed body, which is volatile.
 */
public final class ExchangeTimes implements Supplier<Timings> {

    // A phase's stamp is 0 until it happens: System.nanoTime() is the monotonic clock since
    // boot on the platforms Netty's transports run on, never 0 once a request can be sent.

    private long acquireStart;
    private long acquired;
    private long writeStart;
    private long written;
    private long head;
    private volatile long bodyEnd;
    private ConnectTimes opened;
    private boolean reused;
    private int attempts;

    private boolean callOver;
    private long callStart;
    private long callEnd;
    private int callAttempts;
    private int redirects;

    /** The attempt began to wait for a connection, at {@code nanos}. */
    void acquiring(long nanos) {
        acquireStart = nanos;
        acquired = written = writeStart = 0;
        opened = null;
        attempts++;
    }

    /** Returns whether an attempt began: it asked for a connection. */
    boolean began() {
        return attempts > 0;
    }

    /** A connection was handed to the attempt, at {@code nanos}. */
    void acquired(long nanos) {
        acquired = nanos;
    }

    /**
     * The request began to go out at {@code nanos} on a connection that was {@code reused}, or was
     * new and {@code opened} in the times given.
     */
    void writing(long nanos, boolean reused, ConnectTimes opened) {
        writeStart = nanos;
        this.reused = reused;
        this.opened = opened;
    }

    /** The whole request went out, at {@code nanos}. */
    void written(long nanos) {
        written = nanos;
    }

    /** The final head came, at {@code nanos}. */
    void head(long nanos) {
        head = nanos;
    }

    /** The body ended, at {@code nanos}. */
    void bodyEnd(long nanos) {
        bodyEnd = nanos;
    }

    /**
     * The call this exchange answered is over: it began at {@code start}, ended at {@code end},
     * made {@code attempts} network attempts and followed {@code redirects} redirects.
     */
    public void callOver(long start, long end, int attempts, int redirects) {
        callOver = true;
        callStart = start;
        callEnd = end;
        callAttempts = attempts;
        this.redirects = redirects;
    }

    /**
     * Returns the timings as they stand. Before {@link #callOver} (a redirect hop in a
     * response's history), {@code total} is this exchange's own and the attempts are its own.
     */
    @Override
    public Timings get() {
        long dns = 0;
        long connect = 0;
        long tls = 0;
        ConnectTimes open = opened;
        if (open != null) {
            dns = open.dnsNanos();
            connect = open.connectNanos();
            tls = open.tlsNanos();
        }
        long pool = acquired == 0 ? 0 : acquired - acquireStart - dns - connect - tls;
        // A server may answer before the request is all sent: the wait then starts at the write.
        long sent = written != 0 && written < head ? written : writeStart;
        long writing = head == 0 ? written - writeStart : sent - writeStart;
        long ttfb = head == 0 ? 0 : head - sent;
        long end = bodyEnd;
        long body = end == 0 ? 0 : end - head;
        long last = Math.max(Math.max(callEnd, end), head);
        long total = callOver ? last - callStart : last - acquireStart;
        return Bridge.get()
                .timings(
                        pool,
                        dns,
                        connect,
                        tls,
                        Math.max(0, writing),
                        ttfb,
                        body,
                        total,
                        reused,
                        callOver ? callAttempts : attempts,
                        redirects);
    }
}
