package io.posthaste;

import java.util.List;

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
        permits ClientResponseException, ClientConnectionException, ClientTimeoutException,
                ClientPayloadException, TooManyRedirectsException, InvalidRequestException, ProxyException {

    private static final long serialVersionUID = 1L;

    /** Set once, before the exception reaches the caller (the future's completion publishes it). */
    private int attempts = 1;

    ClientException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Returns how many attempts the call made, this one included: 1 unless the request's
     * {@link RetryPolicy} sent it again.
     */
    public int attempts() {
        return attempts;
    }

    /** Returns the message, ending with {@code (after N attempts)} when the call was retried. */
    @Override
    public String getMessage() {
        String message = super.getMessage();
        return attempts > 1 ? message + " (after " + attempts + " attempts)" : message;
    }

    /** Records that this failure ended a call after {@code attempts} attempts that failed with {@code earlier}. */
    void retried(int attempts, List<? extends Throwable> earlier) {
        this.attempts = attempts;
        earlier.forEach(this::addSuppressed);
    }
}
