package io.posthaste.testing;

/**
 * An RST_STREAM frame the server received on an HTTP/2 connection: a client giving up a stream
 * (for a cancelled call, {@code CANCEL}, code 0x8). See {@link TestServer#resetsReceived()}.
 *
 * @param connectionId the connection, as {@link RecordedRequest#connectionId()} numbers them
 * @param streamId the stream reset
 * @param errorCode the error code (RFC 9113 section 7)
 */
public record ReceivedReset(int connectionId, int streamId, long errorCode) {
}
