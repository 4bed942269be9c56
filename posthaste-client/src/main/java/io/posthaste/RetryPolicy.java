package io.posthaste;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * When and how a failed request is sent again. A retry happens only when all of these hold:
 * attempts remain; the request's body can be sent again ({@link Body#isReplayable()}); the
 * method is idempotent (GET, HEAD, OPTIONS, TRACE, PUT, DELETE) or the policy allows others;
 * and the failure is a connection failure or connect timeout (never a TLS certificate failure)
 * or a response whose status is in {@link #retryOnStatus()} (by default 429, 502, 503, 504).
 * A POST whose bytes may have reached the server is retried only when the policy allows
 * non-idempotent methods.
 *
 * <p>Between attempts it waits {@code initialBackoff × multiplier^(attempt-1)}, capped at
 * {@code maxBackoff}, with up to {@code jitter} of it taken off at random; a {@code Retry-After}
 * header (seconds or a date) is honoured instead when it asks for no more than
 * {@code maxBackoff}, and a longer one ends the retries. A retried answer is discarded (a streamed
 * one closed, so its connection is free for the next attempt).
 *
 * <p>When the call then fails, whether the last attempt failed or its 4xx/5xx answer is raised
 * (see {@link RequestBuilder#raiseForStatus(boolean)}), the exception says it was retried:
 * {@link ClientException#attempts()} counts every attempt, its message ends with
 * {@code (after N attempts)}, and each earlier attempt's failure is one of its
 * {@linkplain Throwable#getSuppressed() suppressed exceptions}, oldest first, a retried status as
 * a {@link ClientResponseException} (without the body of a streamed answer).
 *
 * <p>The session default is {@link #none()}: no retries beyond the one transparent retry of an
 * idempotent request on a pooled connection the server had closed.
 *
 * {@snippet :
 * ClientSession session = ClientSession.builder()
 *         .retryPolicy(RetryPolicy.builder().maxAttempts(4).initialBackoff(Duration.ofMillis(200)).build())
 *         .build();
 * }
 */
public final class RetryPolicy {

    private static final RetryPolicy NONE = builder().maxAttempts(1).build();

    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final double multiplier;
    private final double jitter;
    private final Set<Integer> retryOnStatus;
    private final boolean retryNonIdempotent;

    private RetryPolicy(Builder b) {
        this.maxAttempts = b.maxAttempts;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.multiplier = b.multiplier;
        this.jitter = b.jitter;
        this.retryOnStatus = Set.copyOf(b.retryOnStatus);
        this.retryNonIdempotent = b.retryNonIdempotent;
    }

    /** Returns the policy that never retries. */
    public static RetryPolicy none() {
        return NONE;
    }

    /**
     * Returns a builder: 3 attempts, 100 ms initial backoff doubling up to 10 s, 50 % jitter,
     * retry on 429/502/503/504, idempotent methods only.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the most attempts in all, the first included (1: no retries). */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** Returns the wait before the first retry. */
    public Duration initialBackoff() {
        return initialBackoff;
    }

    /** Returns the longest wait between attempts. */
    public Duration maxBackoff() {
        return maxBackoff;
    }

    /** Returns the factor by which the wait grows. */
    public double multiplier() {
        return multiplier;
    }

    /** Returns the largest fraction of a wait taken off at random. */
    public double jitter() {
        return jitter;
    }

    /** Returns the statuses that are retried. */
    public Set<Integer> retryOnStatus() {
        return retryOnStatus;
    }

    /** Returns whether methods other than the idempotent ones are retried. */
    public boolean retryNonIdempotent() {
        return retryNonIdempotent;
    }

    @Override
    public String toString() {
        return "RetryPolicy[maxAttempts=" + maxAttempts + ", backoff=" + initialBackoff + "×"
                + multiplier + " up to " + maxBackoff + ", jitter=" + jitter + ", statuses="
                + retryOnStatus + ", nonIdempotent=" + retryNonIdempotent + "]";
    }

    /** Configures a {@link RetryPolicy}; not thread-safe. */
    public static final class Builder {
        private int maxAttempts = 3;
        private Duration initialBackoff = Duration.ofMillis(100);
        private Duration maxBackoff = Duration.ofSeconds(10);
        private double multiplier = 2.0;
        private double jitter = 0.5;
        private Set<Integer> retryOnStatus = Set.of(429, 502, 503, 504);
        private boolean retryNonIdempotent;

        private Builder() {}

        /** Sets the most attempts, the first included (default 3). */
        public Builder maxAttempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1: " + attempts);
            }
            this.maxAttempts = attempts;
            return this;
        }

        /** Sets the wait before the first retry (default 100 ms). */
        public Builder initialBackoff(Duration backoff) {
            this.initialBackoff = nonNegative(backoff, "initialBackoff");
            return this;
        }

        /** Sets the longest wait, and the longest Retry-After honoured (default 10 s). */
        public Builder maxBackoff(Duration backoff) {
            this.maxBackoff = nonNegative(backoff, "maxBackoff");
            return this;
        }

        /** Sets the growth factor of the wait, at least 1 (default 2). */
        public Builder multiplier(double multiplier) {
            if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
                throw new IllegalArgumentException("multiplier must be a finite number >= 1: " + multiplier);
            }
            this.multiplier = multiplier;
            return this;
        }

        /** Sets the fraction of each wait taken off at random, 0 to 1 (default 0.5). */
        public Builder jitter(double jitter) {
            if (!(jitter >= 0.0 && jitter <= 1.0)) {
                throw new IllegalArgumentException("jitter must be between 0 and 1: " + jitter);
            }
            this.jitter = jitter;
            return this;
        }

        /** Sets the statuses that are retried (default 429, 502, 503, 504). */
        public Builder retryOnStatus(Set<Integer> statuses) {
            this.retryOnStatus = Set.copyOf(Objects.requireNonNull(statuses, "statuses"));
            return this;
        }

        /** Allows retrying POST, PATCH and other non-idempotent methods (default false). */
        public Builder retryNonIdempotent(boolean retry) {
            this.retryNonIdempotent = retry;
            return this;
        }

        /** Returns the policy. */
        public RetryPolicy build() {
            return new RetryPolicy(this);
        }

        private static Duration nonNegative(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative: " + value);
            }
            return value;
        }
    }
}
