/**
 * HTTP/3 (RFC 9114) over QUIC (RFC 9000) on Netty's codec: {@link io.posthaste.internal.http3.Http3Connection},
 * one pooled QUIC connection leased per exchange up to the peer's stream limit, each exchange on
 * a request stream of its own ({@code H3Stream}, the exchange's carrier); requests encoded by
 * {@code H3Encoding}, bodies that need blocking reads sent from {@code H3Upload} as the stream's
 * flow control allows, and a streamed response read only as its reader takes it.
 *
 * <p>When a request goes over HTTP/3 is decided by {@link io.posthaste.internal.http3.H3Routing}
 * (a connection source in front of the TCP one): by the session's prior knowledge, or by an
 * {@code Alt-Svc} advertisement remembered in {@link io.posthaste.internal.http3.AltServices}
 * ({@code AltSvc} parses the header). Whether QUIC can run at all is
 * {@link io.posthaste.internal.http3.Http3Support}'s answer; the QUIC and HTTP/3 classes are
 * touched only after it said yes, so a platform without them still loads this package.
 *
 * <p>May use: the exchange's protocol contract, connections, the session's settings and Netty.
 * Never the chain or the wiring.
 */
package io.posthaste.internal.http3;
