package io.posthaste.testing;

/**
 * How a {@link TestServer} behaves on its HTTP/2 connections: the SETTINGS it advertises and the
 * connection-wide faults it injects. Immutable and thread-safe; pass one to
 * {@link TestServer.Builder#http2(Http2Options)}, or use {@link TestServer.Builder#http2()} for
 * {@link #defaults()}.
 *
 * {@snippet :
 * TestServer server = TestServer.builder()
 *         .http2(Http2Options.builder().maxConcurrentStreams(1).initialWindowSize(1).build())
 *         .start();
 * }
 *
 * <p>By default the server advertises 100 concurrent streams (as most servers do), the protocol's
 * 65,535-byte initial window
 * and a 64 KiB header list limit (the limit its HTTP/1.1 side has for a request head), acknowledges
 * the client's SETTINGS, answers every PING, and never sends GOAWAY on its own. Faults that act on
 * one stream rather than the connection are set per answer: see
 * {@link MockResponse.Builder#resetStream} and {@link Http2Fault}.
 */
public final class Http2Options {

    private static final Http2Options DEFAULTS = builder().build();

    private final long maxConcurrentStreams;
    private final int initialWindowSize;
    private final int goAwayAfterStreams;
    private final boolean ackSettings;
    private final boolean answerPings;

    private Http2Options(Builder b) {
        this.maxConcurrentStreams = b.maxConcurrentStreams;
        this.initialWindowSize = b.initialWindowSize;
        this.goAwayAfterStreams = b.goAwayAfterStreams;
        this.ackSettings = b.ackSettings;
        this.answerPings = b.answerPings;
    }

    /** Returns the well-behaved defaults described in the class comment. */
    public static Http2Options defaults() {
        return DEFAULTS;
    }

    /** Returns a builder starting from {@link #defaults()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the SETTINGS_MAX_CONCURRENT_STREAMS advertised (100 by default). */
    public long maxConcurrentStreams() {
        return maxConcurrentStreams;
    }

    /** Returns the SETTINGS_INITIAL_WINDOW_SIZE advertised, or -1 when none is (65,535 bytes). */
    public int initialWindowSize() {
        return initialWindowSize;
    }

    /** Returns after how many streams of a connection the server sends GOAWAY, or 0 for never. */
    public int goAwayAfterStreams() {
        return goAwayAfterStreams;
    }

    /** Returns whether the server acknowledges (and applies) the client's SETTINGS. */
    public boolean acksSettings() {
        return ackSettings;
    }

    /** Returns whether the server answers the client's PINGs. */
    public boolean answersPings() {
        return answerPings;
    }

    @Override
    public String toString() {
        return "Http2Options[maxConcurrentStreams=" + maxConcurrentStreams + ", initialWindowSize="
                + initialWindowSize + ", goAwayAfterStreams=" + goAwayAfterStreams + ", acksSettings="
                + ackSettings + ", answersPings=" + answerPings + "]";
    }

    /** Builds {@link Http2Options}; not thread-safe. Every setter validates its input at once. */
    public static final class Builder {
        private long maxConcurrentStreams = 100;
        private int initialWindowSize = -1;
        private int goAwayAfterStreams;
        private boolean ackSettings = true;
        private boolean answerPings = true;

        private Builder() {}

        /**
         * Advertises SETTINGS_MAX_CONCURRENT_STREAMS = {@code n} (0 to 2^32-1). Once the client has
         * acknowledged the server's SETTINGS, a stream beyond the limit is refused with
         * RST_STREAM(REFUSED_STREAM) and never reaches the routes.
         */
        public Builder maxConcurrentStreams(long n) {
            if (n < 0 || n > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("max concurrent streams must be between 0 and 2^32-1: " + n);
            }
            this.maxConcurrentStreams = n;
            return this;
        }

        /**
         * Advertises SETTINGS_INITIAL_WINDOW_SIZE = {@code bytes} (0 to 2^31-1): how much request body
         * the client may send on each stream before the server's WINDOW_UPDATE. The server reads
         * eagerly and returns the window as it consumes, so a tiny window (say 1) makes the client
         * send its body a frame of that size at a time ({@link RecordedRequest#chunkSizes()} shows
         * them). The connection window stays 65,535 bytes: SETTINGS cannot change it.
         */
        public Builder initialWindowSize(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("initial window size must be between 0 and 2^31-1: " + bytes);
            }
            this.initialWindowSize = bytes;
            return this;
        }

        /**
         * Sends GOAWAY(NO_ERROR) when the {@code n}-th stream of a connection opens, naming that
         * stream as the last one it will process. Those {@code n} streams are answered as usual;
         * any stream the client opened after them is refused, never routed nor recorded, as a
         * server that drains before a restart does. The server closes the connection once the
         * {@code n} streams are done.
         */
        public Builder goAwayAfterStreams(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("streams before GOAWAY must be at least 1: " + n);
            }
            this.goAwayAfterStreams = n;
            return this;
        }

        /**
         * Never acknowledges the client's SETTINGS (nor applies them), so a client waiting for the
         * ACK times out, as RFC 9113 section 6.5.3 lets it (SETTINGS_TIMEOUT).
         */
        public Builder neverAckSettings() {
            this.ackSettings = false;
            return this;
        }

        /** Never answers the client's PINGs, as a dead or wedged peer behind a live socket would not. */
        public Builder neverAnswerPings() {
            this.answerPings = false;
            return this;
        }

        /** Returns the immutable options. */
        public Http2Options build() {
            return new Http2Options(this);
        }
    }
}
