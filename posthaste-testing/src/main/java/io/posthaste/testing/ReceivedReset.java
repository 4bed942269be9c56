package io.posthaste.testing;

/**
 * A stream reset the server received: an RST_STREAM frame on an HTTP/2 connection, or a QUIC
 * RESET_STREAM on an HTTP/3 request stream; a client giving up a stream (for a cancelled call,
 * {@code CANCEL}, code 0x8, on HTTP/2; {@code H3_REQUEST_CANCELLED}, 0x10c, on HTTP/3). See
 * {@link TestServer#resetsReceived()}.
 *
 * @param connectionId the connection, as {@link RecordedRequest#connectionId()} numbers them
 * @param streamId the stream reset (an HTTP/2 stream, or a QUIC stream ID on HTTP/3)
 * @param errorCode the error code (RFC 9113 section 7, or RFC 9114 section 8.1 on HTTP/3)
 */
public record ReceivedReset(int connectionId, int streamId, long errorCode) {}
