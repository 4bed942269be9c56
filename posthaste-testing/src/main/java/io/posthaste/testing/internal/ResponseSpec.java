package io.posthaste.testing.internal;

import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http3.Http3ErrorCode;
import io.posthaste.testing.Fault;
import io.posthaste.testing.Http2Fault;
import io.posthaste.testing.Http3Fault;
import java.util.List;
import java.util.Map;

/**
 * Everything the server needs to write one scripted answer; the immutable state behind
 * {@code MockResponse}.
 *
 * @param status the status code (100-999)
 * @param reason the reason phrase
 * @param headers header fields in order, as given
 * @param body the body before content coding
 * @param chunkSizes chunk sizes for chunked framing (the last one repeats), or null for Content-Length
 * @param throttleBytes bytes written per throttle period, or 0 for no throttling
 * @param throttlePeriodNanos pause between throttled writes
 * @param headersDelayNanos pause before the status line
 * @param bodyDelayNanos pause between the head and the body
 * @param closeConnection whether to close the connection after this answer
 * @param trailers trailer fields (forces chunked framing when not empty)
 * @param coding content coding applied to {@code body}
 * @param interimContinues number of {@code 100 Continue} answers sent before this one
 * @param fault the fault to inject, or null
 * @param disconnectAfterBodyBytes close after this many body bytes, or -1
 * @param raw exact bytes to write instead of a composed answer, or null
 * @param rawRepeat bytes written after {@code raw}, made as they are written, or null
 * @param resetStream on HTTP/2, the RST_STREAM error code that replaces (or, with
 *                    {@code disconnectAfterBodyBytes}, cuts) the answer, or null
 * @param http2Fault a hostile HTTP/2 answer, or null
 * @param chunkPauseNanos with chunked framing (or HTTP/2 DATA frames), the pause before each chunk
 *                        after the first, or 0
 * @param http3Reset on HTTP/3, the error code of the stream reset that replaces (or, with
 *                   {@code disconnectAfterBodyBytes}, cuts) the answer, or null
 * @param http3Fault a hostile HTTP/3 answer, or null
 */
// The arrays are bytes to write, built once per answer and never compared or hashed.
@SuppressWarnings("ArrayRecordComponent")
public record ResponseSpec(
        int status,
        String reason,
        List<Map.Entry<String, String>> headers,
        byte[] body,
        int[] chunkSizes,
        int throttleBytes,
        long throttlePeriodNanos,
        long headersDelayNanos,
        long bodyDelayNanos,
        boolean closeConnection,
        List<Map.Entry<String, String>> trailers,
        ContentCoding coding,
        int interimContinues,
        Fault fault,
        long disconnectAfterBodyBytes,
        byte[] raw,
        Repeat rawRepeat,
        Http2Error resetStream,
        Http2Fault http2Fault,
        long chunkPauseNanos,
        Http3ErrorCode http3Reset,
        Http3Fault http3Fault) {

    /**
     * A pattern written {@code times} times in a row, never held whole.
     *
     * @param pattern the bytes to repeat (not empty)
     * @param times how many copies (at least 1)
     */
    @SuppressWarnings("ArrayRecordComponent") // bytes to write, never compared or hashed
    public record Repeat(byte[] pattern, long times) {}

    /** Returns whether the fault (if any) acts before the request body is read. */
    public boolean actsBeforeBody() {
        return fault == Fault.DISCONNECT_AT_START
                || fault == Fault.DISCONNECT_AFTER_REQUEST_HEAD
                || fault == Fault.RESPOND_BEFORE_BODY
                || fault == Fault.RESPOND_BEFORE_BODY_THEN_RESET;
    }

    /** Returns whether this answer only makes sense on an HTTP/2 stream. */
    public boolean http2Only() {
        return http2Fault != null || (resetStream != null && disconnectAfterBodyBytes < 0);
    }

    /** Returns whether this answer only makes sense on an HTTP/3 stream. */
    public boolean http3Only() {
        return http3Fault != null || http3Reset != null && disconnectAfterBodyBytes < 0;
    }

    /** Returns the first value of a response header (case-insensitive), or null. */
    public String header(String name) {
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().equalsIgnoreCase(name)) {
                return h.getValue();
            }
        }
        return null;
    }
}
