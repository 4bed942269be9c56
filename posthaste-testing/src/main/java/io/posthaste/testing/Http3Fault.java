package io.posthaste.testing;

/**
 * A hostile HTTP/3 server's answer, set with {@link MockResponse.Builder#http3Fault(Http3Fault)}: it
 * answers as scripted, then breaks the protocol on the request's stream, so that a client can prove
 * what it makes of that. On HTTP/1.1 and HTTP/2 an answer carrying one gets a 500 naming it instead.
 *
 * <p>HTTP/3 has no form of HTTP/2's stray frames on another stream or after END_STREAM: QUIC
 * refuses data on a client stream not yet opened, and beyond a stream's FIN, before any HTTP/3 code
 * sees it. What it has is a stream whose message is over before the stream is.
 */
public enum Http3Fault {
    /**
     * The scripted answer, closed by a trailer section (the script's trailers, or {@code x-end: 1}
     * if it has none), then, before the stream's FIN, a DATA frame ({@code stray}) and a HEADERS
     * frame ({@code :status: 200}, from QPACK's static table), written past the server's own frame
     * checks: frames after the trailing HEADERS, which RFC 9114 section 4.1 makes a connection
     * error of type H3_FRAME_UNEXPECTED.
     */
    FRAMES_AFTER_TRAILERS
}
