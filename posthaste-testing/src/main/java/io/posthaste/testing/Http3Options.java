package io.posthaste.testing;

import java.time.Duration;

/**
 * How a {@link TestServer} behaves on HTTP/3: the QUIC transport parameters it advertises, the
 * {@code Alt-Svc} its TCP side sends, and the connection-wide faults it injects. Immutable and
 * thread-safe; pass one to {@link TestServer.Builder#http3(Http3Options)}, or use
 * {@link TestServer.Builder#http3()} for {@link #defaults()}.
 *
 * {@snippet :
 * TestServer server = TestServer.builder()
 *         .http3(Http3Options.builder().maxConcurrentStreams(1).initialStreamWindow(1024).build())
 *         .start();
 * }
 *
 * <p>By default the server allows 100 concurrent request streams, a 1 MiB window per request
 * stream and 16 MiB per connection (both grown by QUIC's own flow control as the server reads),
 * closes a connection after 30 s of silence, never sends GOAWAY on its own, and advertises
 * {@code Alt-Svc: h3=":PORT"; ma=86400} on every answer of its TCP side. Faults that act on one
 * stream are set per answer: see {@link MockResponse.Builder#resetHttp3Stream} and
 * {@link MockResponse.Builder#resetStream}.
 */
public final class Http3Options {

    private static final Http3Options DEFAULTS = builder().build();

    private final long maxConcurrentStreams;
    private final long initialStreamWindow;
    private final long initialConnectionWindow;
    private final Duration idleTimeout;
    private final int goAwayAfterStreams;
    private final boolean advertise;
    private final Duration altSvcMaxAge;
    private final boolean blackHole;

    private Http3Options(Builder b) {
        this.maxConcurrentStreams = b.maxConcurrentStreams;
        this.initialStreamWindow = b.initialStreamWindow;
        this.initialConnectionWindow = b.initialConnectionWindow;
        this.idleTimeout = b.idleTimeout;
        this.goAwayAfterStreams = b.goAwayAfterStreams;
        this.advertise = b.advertise;
        this.altSvcMaxAge = b.altSvcMaxAge;
        this.blackHole = b.blackHole;
    }

    /** Returns the well-behaved defaults described in the class comment. */
    public static Http3Options defaults() {
        return DEFAULTS;
    }

    /** Returns a builder starting from {@link #defaults()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the initial_max_streams_bidi transport parameter (100 by default). */
    public long maxConcurrentStreams() {
        return maxConcurrentStreams;
    }

    /** Returns the initial_max_stream_data_bidi_remote transport parameter in bytes (1 MiB by default). */
    public long initialStreamWindow() {
        return initialStreamWindow;
    }

    /** Returns the initial_max_data transport parameter in bytes (16 MiB by default). */
    public long initialConnectionWindow() {
        return initialConnectionWindow;
    }

    /** Returns the max_idle_timeout transport parameter (30 s by default). */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** Returns after how many request streams of a connection the server sends GOAWAY, or 0 for never. */
    public int goAwayAfterStreams() {
        return goAwayAfterStreams;
    }

    /** Returns whether the TCP side advertises HTTP/3 with {@code Alt-Svc} (true by default). */
    public boolean advertises() {
        return advertise;
    }

    /** Returns the {@code ma} (max age) of the advertisement (one day by default). */
    public Duration altSvcMaxAge() {
        return altSvcMaxAge;
    }

    /** Returns whether the UDP port drops every datagram unanswered instead of speaking QUIC. */
    public boolean blackHole() {
        return blackHole;
    }

    /** Returns the {@code Alt-Svc} field value advertising HTTP/3 on {@code port}. */
    String altSvc(int port) {
        return "h3=\":" + port + "\"; ma=" + altSvcMaxAge.toSeconds();
    }

    @Override
    public String toString() {
        return "Http3Options[maxConcurrentStreams=" + maxConcurrentStreams + ", initialStreamWindow="
                + initialStreamWindow + ", initialConnectionWindow=" + initialConnectionWindow + ", idleTimeout="
                + idleTimeout + ", goAwayAfterStreams=" + goAwayAfterStreams + ", advertise=" + advertise
                + ", altSvcMaxAge=" + altSvcMaxAge + ", blackHole=" + blackHole + "]";
    }

    /** Builds {@link Http3Options}; not thread-safe. Every setter validates its input at once. */
    public static final class Builder {
        private long maxConcurrentStreams = 100;
        private long initialStreamWindow = 1024 * 1024;
        private long initialConnectionWindow = 16 * 1024 * 1024;
        private Duration idleTimeout = Duration.ofSeconds(30);
        private int goAwayAfterStreams;
        private boolean advertise = true;
        private Duration altSvcMaxAge = Duration.ofDays(1);
        private boolean blackHole;

        private Builder() {}

        /**
         * Lets the client open {@code n} request streams at a time (the initial_max_streams_bidi
         * transport parameter, 0 to 2^60). QUIC enforces it: the client cannot open more, and the
         * server grants a new stream each time one ends, so with {@code 1} requests run one after
         * another on the connection.
         */
        public Builder maxConcurrentStreams(long n) {
            if (n < 0 || n > (1L << 60)) {
                throw new IllegalArgumentException("max concurrent streams must be between 0 and 2^60: " + n);
            }
            this.maxConcurrentStreams = n;
            return this;
        }

        /**
         * Lets the client send {@code bytes} of each request (body and frames) before the server's
         * first MAX_STREAM_DATA (the initial_max_stream_data_bidi_remote transport parameter). The
         * server reads eagerly and QUIC returns credit as it reads, so a tiny window (say 16) makes
         * an upload crawl through many round trips but still complete.
         */
        public Builder initialStreamWindow(long bytes) {
            if (bytes < 0 || bytes > (1L << 62) - 1) {
                throw new IllegalArgumentException("initial stream window must be between 0 and 2^62-1: " + bytes);
            }
            this.initialStreamWindow = bytes;
            return this;
        }

        /** Sets the connection-wide window (the initial_max_data transport parameter). */
        public Builder initialConnectionWindow(long bytes) {
            if (bytes < 0 || bytes > (1L << 62) - 1) {
                throw new IllegalArgumentException("initial connection window must be between 0 and 2^62-1: " + bytes);
            }
            this.initialConnectionWindow = bytes;
            return this;
        }

        /**
         * Closes a connection silently after {@code timeout} without a packet from the client (the
         * max_idle_timeout transport parameter; the shorter of both sides' applies). A short one lets
         * a test prove that a client notices its pooled connection is gone.
         */
        public Builder idleTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero() || timeout.toMillis() == 0) {
                throw new IllegalArgumentException("idle timeout must be at least a millisecond: " + timeout);
            }
            this.idleTimeout = timeout;
            return this;
        }

        /**
         * Sends GOAWAY when the {@code n}-th request stream of a connection opens, naming the next
         * stream ID as the first it will not process. Those {@code n} streams are answered as usual;
         * any stream the client opens after them is reset with {@code H3_REQUEST_REJECTED}, never
         * routed nor recorded (RFC 9114 section 5.2: the client may retry it anywhere). The server
         * closes the connection with {@code H3_NO_ERROR} once the {@code n} streams are done.
         */
        public Builder goAwayAfterStreams(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("streams before GOAWAY must be at least 1: " + n);
            }
            this.goAwayAfterStreams = n;
            return this;
        }

        /**
         * Whether the TCP side adds {@code Alt-Svc: h3=":PORT"; ma=SECONDS} to every answer that has
         * no {@code Alt-Svc} of its own (default true, as real servers do). Scripted answers can send
         * their own, {@code Alt-Svc: clear} included.
         */
        public Builder advertise(boolean advertiseHttp3) {
            this.advertise = advertiseHttp3;
            return this;
        }

        /** Sets how long clients may remember the advertisement ({@code ma}, whole seconds; default one day). */
        public Builder altSvcMaxAge(Duration maxAge) {
            if (maxAge == null || maxAge.isNegative()) {
                throw new IllegalArgumentException("Alt-Svc max age must be zero or positive: " + maxAge);
            }
            this.altSvcMaxAge = maxAge;
            return this;
        }

        /**
         * Binds the UDP port but reads and drops every datagram, never answering a QUIC handshake:
         * a network that blocks UDP. With the default {@link #advertise(boolean)} the TCP side still
         * advertises HTTP/3, so a test can prove a client falls back to TCP. Nothing is recorded
         * and no connection is counted for the dropped datagrams.
         */
        public Builder blackHole() {
            this.blackHole = true;
            return this;
        }

        /** Returns the immutable options. */
        public Http3Options build() {
            return new Http3Options(this);
        }
    }
}
