package io.posthaste;

/**
 * The request can never be sent as given: a malformed or non-HTTP URL, a header name or value with
 * forbidden characters (CR, LF, NUL, or a non-token name), or a body that cannot be encoded. Thrown
 * before a single byte reaches the network, usually by the builder call that received the bad value.
 *
 * <p>Misuse of the builder API itself (a negative timeout, {@code json(...)} together with
 * {@code form(...)}) is reported with {@link IllegalArgumentException}, and a {@code null} argument
 * with {@link NullPointerException}, as is usual in Java.
 */
public final class InvalidRequestException extends ClientException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what is invalid; never contains a sensitive header's value
     */
    public InvalidRequestException(String message) {
        super(message, null);
    }

    /**
     * Creates an exception with a cause.
     *
     * @param message what is invalid
     * @param cause the parser's complaint
     */
    public InvalidRequestException(String message, Throwable cause) {
        super(message, cause);
    }
}
