package io.posthaste;

import java.time.Duration;
import java.util.Locale;

/**
 * Where the time of a call went, as {@link Response#timings()} and
 * {@link StreamingResponse#timings()} report it: waiting for a pooled connection, opening a new
 * one (DNS, TCP connect, TLS handshake), writing the request, waiting for the response's head,
 * reading its body, and the whole call. The phases are those of the exchange that produced the
 * response (the last one, after retries and redirects); {@link #total()}, {@link #attempts()}
 * and {@link #redirects()} are the call's.
 *
 * <p>A phase that did not happen is {@link Duration#ZERO}: a reused connection
 * ({@link #connectionReused()}) has no DNS, connect or TLS; a host given as an IP address has no
 * DNS; a cleartext connection has no TLS. A response no server sent (made by an interceptor, or
 * served from an {@link HttpCache}'s store) reports zeros and no attempts. Times are read from
 * {@link System#nanoTime()}, so they are precise but not wall-clock instants. Immutable and
 * thread-safe.
 *
 * {@snippet :
 * Response response = session.get("https://api.example.com/slow").send();
 * System.out.println(response.timings());
 * // Timings[pool 0.0 ms, dns 1.2 ms, connect 0.8 ms, tls 9.4 ms, write 0.1 ms, ttfb 120.3 ms, ...]
 * }
 */
public final class Timings {

    /** What a response no server sent reports: no phase, no attempt. */
    static final Timings NONE = new Timings(0, 0, 0, 0, 0, 0, 0, 0, false, 0, 0);

    private final long poolWait;
    private final long dns;
    private final long connect;
    private final long tls;
    private final long requestWrite;
    private final long timeToFirstByte;
    private final long bodyRead;
    private final long total;
    private final boolean connectionReused;
    private final int attempts;
    private final int redirects;

    /** Takes each phase in nanoseconds; a negative one (a clock read out of order) counts as 0. */
    Timings(
            long poolWait,
            long dns,
            long connect,
            long tls,
            long requestWrite,
            long timeToFirstByte,
            long bodyRead,
            long total,
            boolean connectionReused,
            int attempts,
            int redirects) {
        this.poolWait = Math.max(0, poolWait);
        this.dns = Math.max(0, dns);
        this.connect = Math.max(0, connect);
        this.tls = Math.max(0, tls);
        this.requestWrite = Math.max(0, requestWrite);
        this.timeToFirstByte = Math.max(0, timeToFirstByte);
        this.bodyRead = Math.max(0, bodyRead);
        this.total = Math.max(0, total);
        this.connectionReused = connectionReused;
        this.attempts = attempts;
        this.redirects = redirects;
    }

    /**
     * Returns how long the exchange waited for a connection from the pool, not counting the
     * time spent opening a new one ({@link #dns()}, {@link #connect()}, {@link #tls()}).
     */
    public Duration poolWait() {
        return Duration.ofNanos(poolWait);
    }

    /** Returns how long the host name took to resolve for a new connection; zero if none was needed. */
    public Duration dns() {
        return Duration.ofNanos(dns);
    }

    /**
     * Returns how long the TCP connection took to open (every address tried included); zero on a
     * reused connection.
     */
    public Duration connect() {
        return Duration.ofNanos(connect);
    }

    /** Returns how long the TLS handshake took; zero for cleartext or a reused connection. */
    public Duration tls() {
        return Duration.ofNanos(tls);
    }

    /** Returns how long the request (head and body) took to be written to the network. */
    public Duration requestWrite() {
        return Duration.ofNanos(requestWrite);
    }

    /**
     * Returns how long the server took to answer: from the request written (or, if it answered
     * before the request was all sent, from its first byte going out) to the response's head in.
     */
    public Duration timeToFirstByte() {
        return Duration.ofNanos(timeToFirstByte);
    }

    /**
     * Returns how long the body took to arrive after the head; for a {@link StreamingResponse},
     * zero until its body has been read to the end.
     */
    public Duration bodyRead() {
        return Duration.ofNanos(bodyRead);
    }

    /**
     * Returns how long the whole call took, from the send to its response (its body read, when
     * known): every retry, backoff wait and redirect hop, and the interceptors' time, included.
     */
    public Duration total() {
        return Duration.ofNanos(total);
    }

    /** Returns whether the exchange ran on a connection that had carried an earlier one. */
    public boolean connectionReused() {
        return connectionReused;
    }

    /**
     * Returns how many times the call's requests went on the network: 1 for a plain call, more
     * with retries (the retry policy's, and a stale pooled connection's silent one) and redirect
     * hops; 0 for a response no server sent.
     */
    public int attempts() {
        return attempts;
    }

    /** Returns how many redirects the call followed to this response. */
    public int redirects() {
        return redirects;
    }

    /** Returns every phase on one line, in milliseconds, e.g. for a log. */
    @Override
    public String toString() {
        return "Timings[pool " + millis(poolWait) + ", dns " + millis(dns) + ", connect " + millis(connect)
                + ", tls " + millis(tls) + ", write " + millis(requestWrite) + ", ttfb " + millis(timeToFirstByte)
                + ", body " + millis(bodyRead) + ", total " + millis(total) + ", "
                + (connectionReused ? "reused" : "new") + " connection, attempts " + attempts
                + ", redirects " + redirects + "]";
    }

    /** Returns {@code nanos} as milliseconds with one decimal, e.g. {@code "1.2 ms"}. */
    static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }
}
