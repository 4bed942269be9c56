/**
 * HTTP/1.1: the strict {@link io.posthaste.internal.http1.ResponseDecoder}, the request's
 * encoding ({@code RequestEncoder}) and writing ({@code RequestWriter}, {@code BodyPump} for
 * bodies read on a blocking thread), and {@link io.posthaste.internal.http1.Http1Connection},
 * which is both the pooled connection and the carrier of its one exchange at a time.
 *
 * <p>May use: the exchange's protocol contract, connections and Netty. Never the chain or the
 * wiring.
 */
package io.posthaste.internal.http1;
