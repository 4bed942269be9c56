/**
 * Server-Sent Events: {@link io.posthaste.internal.sse.EventParser}, the WHATWG
 * {@code text/event-stream} interpretation, bytes in, events out, with bounded memory. A helper
 * package: no calls, no network, no Netty.
 */
package io.posthaste.internal.sse;
