package io.posthaste;

import org.jspecify.annotations.Nullable;

/**
 * The response (or request) body could not be transferred intact: a body shorter than its
 * {@code Content-Length}, broken chunked framing, corrupt compressed data, a decompressed size over
 * the limit, or a buffered body over {@link ClientSession.Builder#maxResponseBodySize(long)}.
 * Posthaste never hands out a truncated body as a success.
 */
public final class ClientPayloadException extends ClientException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception; {@code message} must already name the request.
     *
     * @param message what was wrong with the body and for which request
     * @param cause the underlying failure, or {@code null}
     */
    public ClientPayloadException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
