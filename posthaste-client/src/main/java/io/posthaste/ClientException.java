package io.posthaste;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The root of every failure Posthaste reports. Unchecked and sealed: a caller can catch this one
 * type, or switch over the subtypes to tell a server's 4xx/5xx answer from a broken connection, a
 * timeout, a malformed body or a request that was never valid.
 *
 * <p>Messages name the request's method and URL (without user info) and never contain the value of
 * a sensitive header such as {@code Authorization}.
 *
 * <p>A call its {@link RetryPolicy} tried more than once fails with the last attempt's exception:
 * {@link #attempts()} says how many attempts were made, the message ends with
 * {@code (after N attempts)}, and the earlier attempts' failures are its
 * {@linkplain #getSuppressed() suppressed exceptions}, oldest first (a retried 429 or 503 as a
 * {@link ClientResponseException}, even when the call does not raise for status).
 */
public abstract sealed class ClientException extends RuntimeException
        permits ClientResponseException,
                ClientConnectionException,
                ClientTimeoutException,
                ClientPayloadException,
                TooManyRedirectsException,
                InvalidRequestException,
                ProxyException {

    private static final long serialVersionUID = 1L;

    /** Set once, before the exception reaches the caller (the future's completion publishes it). */
    private int attempts = 1;
    /** Makes the failed call's timings when asked, or null: it never reached the network. */
    private transient @Nullable Supplier<Timings> timings;

    ClientException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }

    /**
     * Returns how many attempts the call made, this one included: 1 unless the request's
     * {@link RetryPolicy} sent it again.
     */
    public int attempts() {
        return attempts;
    }

    /**
     * Returns where the time of the failed call went, as {@link Response#timings()} does for an
     * answered one: the last exchange's waiting for a connection, DNS, connect, TLS, writing and
     * waiting for the head, up to the failure, and the whole call's total, attempts and
     * redirects. Zeros and no attempts for a failure that never reached the network: an
     * invalid request, or one that failed before it asked the pool for a connection. A
     * {@link ClientResponseException} reports its response's timings.
     */
    public Timings timings() {
        Supplier<Timings> source = timings;
        return source == null ? Timings.NONE : source.get();
    }

    /** Returns what makes the timings, or null. */
    @Nullable
    Supplier<Timings> timingsSource() {
        return timings;
    }

    /** Records what makes this failure's timings, unless an earlier exchange already did. */
    void timedBy(@Nullable Supplier<Timings> source) {
        if (timings == null) {
            timings = source;
        }
    }

    /** Returns the message, ending with {@code (after N attempts)} when the call was retried. */
    @Override
    public String getMessage() {
        // Never null: every constructor takes a message (the fallback only satisfies the type).
        String message = Objects.requireNonNullElse(super.getMessage(), "");
        return attempts > 1 ? message + " (after " + attempts + " attempts)" : message;
    }

    /** Records that this failure ended a call after {@code attempts} attempts that failed with {@code earlier}. */
    void retried(int attempts, List<? extends Throwable> earlier) {
        this.attempts = attempts;
        earlier.forEach(this::addSuppressed);
    }
}
