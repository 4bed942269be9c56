package io.posthaste.testing;

/**
 * A hostile HTTP/2 server's answer, set with {@link MockResponse.Builder#http2Fault(Http2Fault)}:
 * each one acts once the request it answers has been read and recorded, most of them instead of
 * answering; {@link #FRAMES_AFTER_END_STREAM} and {@link #ANSWER_ON_THE_NEXT_STREAM} answer first
 * (the scripted status, headers and body) and misbehave in the same write. They exist so that a
 * client can prove it turns such a server into a stream or connection error, never into unbounded
 * memory or CPU, nor into an answer to another request.
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
     * PING frames, one after another, each of which the client would have to acknowledge
     * (the "ping flood", CVE-2019-9512).
     */
    PING_FLOOD,
    /**
     * A HEADERS frame ({@code :status: 200}) without END_STREAM, then DATA frames on the same stream
     * that carry nothing and never end it: each costs the client a frame's work and delivers no
     * byte (the "empty frames flood", CVE-2019-9518).
     */
    EMPTY_DATA_FLOOD,
    /**
     * A response head whose header list decodes to {@link #HPACK_BOMB_REFERENCES} copies of one
     * field of {@link #HPACK_BOMB_VALUE_BYTES} bytes (126 MiB as RFC 9113 counts a list) from a
     * header block of about 36 KiB: the field goes into the HPACK dynamic table once, and every
     * further copy is a one-byte reference to it (RFC 7541 section 6.1). The server's own HPACK
     * encoder writes it, so the two tables stay in step and the connection can serve more streams.
     */
    HPACK_BOMB,
    /**
     * The scripted answer, ending its stream, then in the same write a DATA frame and a HEADERS frame
     * ({@code :status: 200}, END_STREAM) on that stream: frames after END_STREAM, which RFC 9113
     * section 5.1 makes an error of type STREAM_CLOSED. The stray HEADERS uses only HPACK's static
     * table, so the connection's tables stay in step.
     */
    FRAMES_AFTER_END_STREAM,
    /**
     * The scripted answer, then in the same write a whole second answer ({@code :status: 200} and
     * the body {@code stray}) on the stream the client opens next (this one's ID + 2), which it has
     * not opened yet: an answer nobody asked for, HTTP/2's form of a desynchronised connection.
     * RFC 9113 section 5.1.1 makes a frame on a client stream that is still idle a connection error
     * of type PROTOCOL_ERROR; a client that opened that stream before reading the rest of the write
     * would take {@code stray} for its next request's answer.
     */
    ANSWER_ON_THE_NEXT_STREAM,
    /**
     * A WINDOW_UPDATE on the connection (stream 0) with the largest increment, 2^31-1, which
     * pushes the client's connection send window above 2^31-1: a connection error of type
     * FLOW_CONTROL_ERROR under RFC 9113 section 6.9.1. The stream is then left unanswered.
     */
    WINDOW_OVERFLOW;

    /** The most frames a flood writes before it gives up on the client noticing. */
    public static final int FLOOD_FRAMES = 100_000;

    /** The size of the value of the {@link #HPACK_BOMB}'s field, {@code x-bomb}. */
    public static final int HPACK_BOMB_VALUE_BYTES = 4000;

    /** How many times the {@link #HPACK_BOMB}'s header list holds its field. */
    public static final int HPACK_BOMB_REFERENCES = 32_768;
}
