package io.posthaste;

import java.time.Duration;

/**
 * A timeout fired. {@link #phase()} says which one, so a caller can tell a server that never
 * accepted the connection from one that accepted the request and then went quiet. The connection
 * involved, if any, is closed and never reused.
 */
public final class ClientTimeoutException extends ClientException {

    private static final long serialVersionUID = 1L;

    /** The phase of the exchange whose timeout fired. */
    public enum Phase {
        /** Establishing the TCP connection. */
        CONNECT,
        /** The TLS handshake. */
        TLS_HANDSHAKE,
        /** Waiting for a connection from a full pool. */
        POOL_ACQUIRE,
        /** Writing the request; the server stopped reading. */
        WRITE,
        /** Waiting for the next bytes of the response (idle time between reads). */
        READ,
        /** The whole exchange, from the call to the last byte of the body. */
        TOTAL
    }

    private final Phase phase;
    private final Duration timeout;

    /**
     * Creates an exception; {@code message} must already name the request.
     *
     * @param message what timed out and for which request
     * @param phase the phase whose timeout fired
     * @param timeout the configured timeout that elapsed
     */
    public ClientTimeoutException(String message, Phase phase, Duration timeout) {
        super(message, null);
        this.phase = phase;
        this.timeout = timeout;
    }

    /** Returns the phase whose timeout fired. */
    public Phase phase() {
        return phase;
    }

    /** Returns the configured duration that elapsed. */
    public Duration timeout() {
        return timeout;
    }
}
