package io.posthaste.testing;

/**
 * A misbehaviour a {@link MockResponse} can inject instead of (or around) a normal answer.
 *
 * <p>Faults that act before the request body is read ({@link #DISCONNECT_AT_START},
 * {@link #DISCONNECT_AFTER_REQUEST_HEAD}, {@link #RESPOND_BEFORE_BODY},
 * {@link #RESPOND_BEFORE_BODY_THEN_RESET}) are taken from the head of
 * the queue (or from {@link Dispatcher#peek()}) as soon as the connection or request head arrives.
 *
 * <p>On an HTTP/2 connection (see {@link TestServer.Builder#http2()}) each keeps its meaning, acting
 * on the request's stream where HTTP/2 allows and on the connection where only that makes sense:
 * the disconnects, {@link #RESET} and {@link #CLOSE_AFTER_RESPONSE} end the whole connection (without
 * GOAWAY), {@link #STALL} leaves only its stream unanswered, and {@link #RESPOND_BEFORE_BODY} answers
 * then sends RST_STREAM(NO_ERROR), as RFC 9113 section 8.1 has a server stop an unwanted upload (the
 * request is recorded at once, with {@link RecordedRequest#bodySize()} zero). Faults only HTTP/2 has
 * are {@link Http2Fault}, {@link MockResponse.Builder#resetStream} and {@link Http2Options}.
 *
 * <p>On HTTP/3 (see {@link TestServer.Builder#http3()}) they mean what they mean on HTTP/2, acting
 * on the QUIC connection where HTTP/2 ends the TCP connection: QUIC has no silent abort, so the
 * disconnects and {@link #RESET} close it with CONNECTION_CLOSE ({@code H3_NO_ERROR} for the
 * disconnects, {@code H3_INTERNAL_ERROR} for {@link #RESET}); {@link #CLOSE_AFTER_RESPONSE} closes
 * it ({@code H3_NO_ERROR}) 200 ms after the answer, once the client has acknowledged it, and
 * {@link #RESPOND_BEFORE_BODY} answers then sends STOP_SENDING({@code H3_NO_ERROR}). HTTP/3's own
 * faults are {@link MockResponse.Builder#resetHttp3Stream} and {@link Http3Options}.
 */
public enum Fault {
    /**
     * Closes the connection before reading anything: right after accepting it, or, on a kept-alive
     * connection, as soon as the next request arrives. No request is recorded.
     */
    DISCONNECT_AT_START,
    /** Reads and records the request head, then closes the connection without answering. */
    DISCONNECT_AFTER_REQUEST_HEAD,
    /** Reads and records the whole request, then never answers; the connection stays open until closed. */
    STALL,
    /** Reads and records the whole request, then aborts the connection with a TCP reset (RST). */
    RESET,
    /**
     * Answers as soon as the request head arrives, without sending {@code 100 Continue} and without
     * reading the body (an early 401 or 413). The answer carries {@code Connection: close}; the server
     * then half-closes and discards whatever body still arrives, so the client can read the answer.
     * The request is recorded when the connection closes (by the client, or by the server after
     * five seconds), with no body kept and {@link RecordedRequest#bodySize()} counting the bytes that
     * arrived after the head, framing included: zero for a client that held its body back.
     */
    RESPOND_BEFORE_BODY,
    /**
     * Answers as soon as the request head arrives, like {@link #RESPOND_BEFORE_BODY}, but then
     * aborts the connection with a TCP reset while the body is still arriving, as a server that
     * will not read an upload it refused does. The client must still report the answer. The
     * request is recorded with an empty body.
     */
    RESPOND_BEFORE_BODY_THEN_RESET,
    /**
     * Answers as on a kept-alive connection (no {@code Connection: close}), then closes the
     * connection: a server whose keep-alive timeout is zero, or that restarts between requests.
     * The client learns of it only from the close, possibly after it reused the connection.
     */
    CLOSE_AFTER_RESPONSE
}
