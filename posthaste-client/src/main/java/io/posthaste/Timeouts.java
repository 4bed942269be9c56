package io.posthaste;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The timeouts of an exchange, one per phase (see {@link ClientTimeoutException.Phase}).
 * Immutable; derive a changed copy with {@link #toBuilder()}. The defaults:
 * <table>
 * <caption>Default timeouts</caption>
 * <tr><th>phase</th><th>default</th></tr>
 * <tr><td>connect</td><td>10 s</td></tr>
 * <tr><td>TLS handshake</td><td>10 s</td></tr>
 * <tr><td>pool acquire (waiting for a free connection)</td><td>30 s</td></tr>
 * <tr><td>read (idle time between two reads)</td><td>30 s</td></tr>
 * <tr><td>write (idle time while the server does not take the request)</td><td>30 s</td></tr>
 * <tr><td>total (the whole call: from {@code send()} to the end of the body, across every
 * redirect hop, retry and backoff wait)</td><td>none</td></tr>
 * </table>
 */
public final class Timeouts {

    private static final Timeouts DEFAULTS = new Builder().build();

    private final Duration connect;
    private final Duration tlsHandshake;
    private final Duration poolAcquire;
    private final Duration read;
    private final Duration write;
    private final @Nullable Duration total;

    private Timeouts(Builder b) {
        this.connect = b.connect;
        this.tlsHandshake = b.tlsHandshake;
        this.poolAcquire = b.poolAcquire;
        this.read = b.read;
        this.write = b.write;
        this.total = b.total;
    }

    /** Returns the defaults listed above. */
    public static Timeouts defaults() {
        return DEFAULTS;
    }

    /** Returns a builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns a builder starting from these timeouts. */
    public Builder toBuilder() {
        return new Builder()
                .connect(connect)
                .tlsHandshake(tlsHandshake)
                .poolAcquire(poolAcquire)
                .read(read)
                .write(write)
                .total(total);
    }

    /** Returns the connect timeout. */
    public Duration connect() {
        return connect;
    }

    /** Returns the TLS handshake timeout. */
    public Duration tlsHandshake() {
        return tlsHandshake;
    }

    /** Returns how long a request waits for a connection from a full pool. */
    public Duration poolAcquire() {
        return poolAcquire;
    }

    /** Returns the longest idle time between two reads of the response. */
    public Duration read() {
        return read;
    }

    /** Returns the longest time a write of the request may make no progress. */
    public Duration write() {
        return write;
    }

    /** Returns the limit on the whole exchange, if any. */
    public Optional<Duration> total() {
        return Optional.ofNullable(total);
    }

    @Override
    public String toString() {
        return "Timeouts[connect=" + connect + ", tlsHandshake=" + tlsHandshake + ", poolAcquire="
                + poolAcquire + ", read=" + read + ", write=" + write + ", total="
                + (total == null ? "none" : total) + "]";
    }

    /** Sets timeouts; each must be positive. Not thread-safe. */
    public static final class Builder {
        private Duration connect = Duration.ofSeconds(10);
        private Duration tlsHandshake = Duration.ofSeconds(10);
        private Duration poolAcquire = Duration.ofSeconds(30);
        private Duration read = Duration.ofSeconds(30);
        private Duration write = Duration.ofSeconds(30);
        private @Nullable Duration total;

        private Builder() {}

        /** Sets the connect timeout (default 10 s). */
        public Builder connect(Duration timeout) {
            this.connect = positive(timeout, "connect");
            return this;
        }

        /** Sets the TLS handshake timeout (default 10 s). */
        public Builder tlsHandshake(Duration timeout) {
            this.tlsHandshake = positive(timeout, "tlsHandshake");
            return this;
        }

        /** Sets how long to wait for a pooled connection (default 30 s). */
        public Builder poolAcquire(Duration timeout) {
            this.poolAcquire = positive(timeout, "poolAcquire");
            return this;
        }

        /** Sets the longest idle time between reads (default 30 s). */
        public Builder read(Duration timeout) {
            this.read = positive(timeout, "read");
            return this;
        }

        /** Sets the longest time a write may make no progress (default 30 s). */
        public Builder write(Duration timeout) {
            this.write = positive(timeout, "write");
            return this;
        }

        /**
         * Sets a limit on the whole call, or {@code null} for none (the default): one deadline,
         * fixed when the call starts, for every redirect hop, every retry and every backoff wait,
         * and for reading a streamed body to its end. A retry whose backoff would end after the
         * deadline is not made: the last attempt's outcome stands.
         */
        public Builder total(@Nullable Duration timeout) {
            this.total = timeout == null ? null : positive(timeout, "total");
            return this;
        }

        /** Returns the timeouts. */
        public Timeouts build() {
            return new Timeouts(this);
        }

        private static Duration positive(Duration timeout, String name) {
            Objects.requireNonNull(timeout, name);
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException(name + " timeout must be positive: " + timeout);
            }
            return timeout;
        }
    }
}
