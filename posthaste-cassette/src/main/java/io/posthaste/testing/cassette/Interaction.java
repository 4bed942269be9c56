package io.posthaste.testing.cassette;

import java.util.List;
import java.util.Map;

/**
 * One recorded exchange, as it stands in the cassette file: already redacted. Header maps keep
 * the order of first appearance; a body is {@code null} when there was none (or, for a request,
 * when it could not be read without consuming it).
 */
record Interaction(Message request, Message response) {

    /**
     * One side of the exchange. For a request, {@code status}, {@code reason} and
     * {@code version} are unused (0, null, null); for a response, {@code method} and {@code url}.
     */
    record Message(
            String method,
            String url,
            int status,
            String reason,
            String version,
            Map<String, List<String>> headers,
            byte[] body) {}

    /** Returns {@code METHOD url}, as a mismatch lists what the cassette holds. */
    String describe() {
        return request.method() + " " + request.url();
    }
}
