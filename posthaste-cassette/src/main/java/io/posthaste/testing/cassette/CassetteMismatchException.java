package io.posthaste.testing.cassette;

/**
 * A request reached a {@link Cassette} in {@link Cassette.Mode#REPLAY} that it holds no recording
 * of. The message names the request (method and URL, query parameters redacted as recorded) and
 * lists what the cassette holds; it never shows a header value.
 */
public final class CassetteMismatchException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    CassetteMismatchException(String message) {
        super(message);
    }
}
