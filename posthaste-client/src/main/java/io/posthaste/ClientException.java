package io.posthaste;

/**
 * The root of every failure Posthaste reports. Unchecked and sealed: a caller can catch this one
 * type, or switch over the subtypes to tell a server's 4xx/5xx answer from a broken connection, a
 * timeout, a malformed body or a request that was never valid.
 *
 * <p>Messages name the request's method and URL (without user info) and never contain the value of
 * a sensitive header such as {@code Authorization}.
 */
public abstract sealed class ClientException extends RuntimeException
        permits ClientResponseException, ClientConnectionException, ClientTimeoutException,
                ClientPayloadException, TooManyRedirectsException, InvalidRequestException {

    private static final long serialVersionUID = 1L;

    ClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
