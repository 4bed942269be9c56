package io.posthaste.testing;

/**
 * A stateful endpoint mounted on one path of a {@link TestServer} with
 * {@link TestServer#mount(String, Endpoint)}: a {@link EventStreamEndpoint Server-Sent Events stream}
 * that remembers what each reconnecting client has seen, or a {@link WebSocketEndpoint WebSocket}.
 * A mounted path answers before the queue, a custom dispatcher and the echo routes, and its
 * requests are recorded like any other. Implementations are the two classes named here.
 */
public sealed interface Endpoint permits EventStreamEndpoint, WebSocketEndpoint {}
