package io.posthaste.micrometer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.posthaste.Event;
import io.posthaste.EventListener;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Records {@code posthaste.connect} and {@code posthaste.tls.handshake} from connection events.
 * Connection events carry no connection identity, only the address (connect) or the origin
 * (TLS): a start is kept per target and the oldest is paired with the next end. Called on I/O
 * threads; the pairing is guarded by one lock, taken only for connection events (rare next to
 * calls), never for the events of calls.
 */
final class ConnectionTimers implements EventListener {

    static final String CONNECT = "posthaste.connect";
    static final String TLS = "posthaste.tls.handshake";

    private final Timer connected;
    private final Timer connectFailed;
    private final Timer handshaken;
    private final Timer handshakeFailed;
    private final Starts connects = new Starts();
    private final Starts handshakes = new Starts();

    private final Runnable onConnected;

    /** {@code onConnected} runs after each connection opened, on the thread that reports it. */
    ConnectionTimers(MeterRegistry registry, Tags common, Runnable onConnected) {
        this.onConnected = onConnected;
        this.connected = timer(registry, CONNECT, "TCP connects", common, "SUCCESS");
        this.connectFailed = timer(registry, CONNECT, "TCP connects", common, "FAILURE");
        this.handshaken = timer(registry, TLS, "TLS handshakes", common, "SUCCESS");
        this.handshakeFailed = timer(registry, TLS, "TLS handshakes", common, "FAILURE");
    }

    private static Timer timer(MeterRegistry registry, String name, String description, Tags common, String outcome) {
        return Timer.builder(name)
                .description(description)
                .tags(common.and("outcome", outcome))
                .register(registry);
    }

    @Override
    public void onEvent(Event event) {
        switch (event.type()) {
            case CONNECT_START -> connects.start(event.target(), event.nanoTime());
            case CONNECT_END -> {
                connects.end(event, connected);
                onConnected.run();
            }
            case CONNECT_FAILED -> connects.end(event, connectFailed);
            case TLS_START -> handshakes.start(event.target(), event.nanoTime());
            case TLS_END -> handshakes.end(event, event.failure() == null ? handshaken : handshakeFailed);
            default -> {
                // Call events are the request timer's business.
            }
        }
    }

    /** Start times per target, oldest first. */
    private static final class Starts {
        private final Map<String, ArrayDeque<Long>> byTarget = new HashMap<>();

        synchronized void start(String target, long nanoTime) {
            byTarget.computeIfAbsent(target, t -> new ArrayDeque<>(2)).addLast(nanoTime);
        }

        void end(Event event, Timer timer) {
            Long start = take(event.target());
            if (start != null) {
                timer.record(event.nanoTime() - start, TimeUnit.NANOSECONDS);
            }
        }

        private synchronized Long take(String target) {
            ArrayDeque<Long> starts = byTarget.get(target);
            if (starts == null) {
                return null; // started before the listener was there
            }
            Long start = starts.pollFirst();
            if (starts.isEmpty()) {
                byTarget.remove(target);
            }
            return start;
        }
    }
}
