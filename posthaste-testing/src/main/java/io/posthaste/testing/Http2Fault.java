package io.posthaste.testing;

/**
 * A hostile HTTP/2 server's answer, set with {@link MockResponse.Builder#http2Fault(Http2Fault)}:
 * each one acts, instead of answering, once the request it answers has been read and recorded.
 * They exist so that a client can prove it turns such a server into a connection error, never into
 * unbounded memory or CPU.
 *
 * <p>The floods are bounded so that a client that never notices still ends: they stop after
 * {@link #FLOOD_FRAMES} frames, or as soon as the client closes the connection, writing each batch
 * only once the one before is on the wire (the server holds one batch at a time). On an HTTP/1.1
 * connection an answer carrying one of these gets a 500 naming the fault instead.
 */
public enum Http2Fault {
    /**
     * A HEADERS frame on the request's stream without END_HEADERS, then CONTINUATION frames that
     * never end the header block, each carrying one more literal {@code x-flood} field
     * (the "CONTINUATION flood", CVE-2024-27316, CVE-2024-27983 and kin).
     */
    CONTINUATION_FLOOD,
    /**
     * SETTINGS frames, one after another, each of which the client would have to acknowledge
     * (the "settings flood", CVE-2019-9515).
     */
    SETTINGS_FLOOD,
    /**
     * A WINDOW_UPDATE on the connection (stream 0) with the largest increment, 2^31-1, which
     * pushes the client's connection send window above 2^31-1: a connection error of type
     * FLOW_CONTROL_ERROR under RFC 9113 section 6.9.1. The stream is then left unanswered.
     */
    WINDOW_OVERFLOW;

    /** The most frames a flood writes before it gives up on the client noticing. */
    public static final int FLOOD_FRAMES = 100_000;
}
