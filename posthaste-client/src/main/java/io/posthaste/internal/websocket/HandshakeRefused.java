package io.posthaste.internal.websocket;

import io.posthaste.Headers;

/**
 * The server answered the opening handshake, but not with a WebSocket: another status, or a
 * {@code 101} that breaks RFC 6455 (no {@code Upgrade: websocket}, a wrong
 * {@code Sec-WebSocket-Accept}, a subprotocol or extension that was not offered). Carries the
 * answer, for the public API to raise it as a {@link io.posthaste.ClientResponseException}.
 */
public final class HandshakeRefused extends Exception {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String reason;
    private final transient Headers headers;
    private final byte[] body;

    HandshakeRefused(String message, int status, String reason, Headers headers, byte[] body) {
        super(message, null, false, false);
        this.status = status;
        this.reason = reason;
        this.headers = headers;
        this.body = body;
    }

    /** Returns the answer's status. */
    public int status() {
        return status;
    }

    /** Returns the answer's reason phrase. */
    public String reason() {
        return reason;
    }

    /** Returns the answer's headers. */
    public Headers headers() {
        return headers;
    }

    /** Returns the start of the answer's body (at most 64 KiB). */
    public byte[] body() {
        return body;
    }
}
