package io.posthaste;

/**
 * Hears what a session does, step by step, with timestamps: the basis for metrics, tracing and
 * debugging (like aiohttp's {@code TraceConfig} and OkHttp's {@code EventListener}). Set one per
 * session with {@link ClientSession.Builder#eventListener}. Without one, nothing is recorded and
 * nothing is allocated for events.
 *
 * <p>Events of one call arrive in order. Connection events (DNS, connect, TLS) belong to the
 * connection rather than to a call: their {@link Event#request()} is {@code null}, and a
 * connection opened for one request may end up serving another. Called on I/O threads: be quick
 * and never block. An exception thrown here is logged and otherwise ignored.
 *
 * {@snippet :
 * ClientSession session = ClientSession.builder()
 *         .eventListener(event -> metrics.record(event.type(), event.nanoTime()))
 *         .build();
 * }
 */
@FunctionalInterface
public interface EventListener {

    /** Receives one event. */
    void onEvent(Event event);
}
