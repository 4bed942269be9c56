package io.posthaste;

import org.jspecify.annotations.Nullable;

/**
 * The connection could not be made or broke before the exchange finished: refused, unknown host,
 * reset, closed by the server, or a failed TLS handshake (see {@link #isTlsFailure()}).
 *
 * <p>{@link #mayHaveBeenProcessed()} tells whether any byte of the request had been written when
 * the connection broke: when it is {@code true} a non-idempotent request (POST, PATCH) may have
 * reached the server, and Posthaste never retries it on its own.
 */
public final class ClientConnectionException extends ClientException {

    private static final long serialVersionUID = 1L;

    private final boolean tlsFailure;
    private final boolean mayHaveBeenProcessed;

    /**
     * Creates an exception; {@code message} must already name the request.
     *
     * @param message what happened and to which request
     * @param cause the underlying I/O failure, or {@code null}
     * @param tlsFailure whether the TLS handshake or certificate check failed
     * @param mayHaveBeenProcessed whether any request byte had been sent
     */
    public ClientConnectionException(
            String message, @Nullable Throwable cause, boolean tlsFailure, boolean mayHaveBeenProcessed) {
        super(message, cause);
        this.tlsFailure = tlsFailure;
        this.mayHaveBeenProcessed = mayHaveBeenProcessed;
    }

    /** Returns whether the TLS handshake or the server's certificate check failed. */
    public boolean isTlsFailure() {
        return tlsFailure;
    }

    /** Returns whether any byte of the request had been written when the connection broke. */
    public boolean mayHaveBeenProcessed() {
        return mayHaveBeenProcessed;
    }
}
