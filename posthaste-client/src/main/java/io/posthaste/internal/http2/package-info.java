/**
 * HTTP/2 (RFC 9113) on Netty's codec: {@link io.posthaste.internal.http2.Http2Connection}, one
 * pooled connection leased per exchange up to the peer's stream limit, with one
 * {@code Http2ConnectionHandler} ({@code H2Handler}) and one frame listener ({@code H2Frames})
 * per connection, and no child channel per stream (a stream costs one small
 * {@link io.posthaste.internal.http2.H2Stream}, the exchange's carrier). Requests are encoded by
 * {@code H2Encoding}; bodies that need blocking reads go from {@code H2Upload}, as the stream's
 * flow-control window allows; a streamed response's window is returned only as its reader takes
 * the bytes.
 *
 * <p>May use: the exchange's protocol contract, connections and Netty. Never the chain or the
 * wiring.
 */
package io.posthaste.internal.http2;
