package io.posthaste;

import io.posthaste.Event.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An {@link EventListener} for tests that keeps every event, so that a test can count what the
 * client did (connections taken and given back, calls ended) rather than how often a future
 * completed — a second completion of a {@code CompletableFuture} is ignored, so such a count can
 * never fail — and can wait for a phase it sees (a connect begun, a handshake begun, a request
 * sent) before it acts, rather than sleeping and hoping the call got there. Thread-safe; the
 * client's threads only append.
 */
final class RecordedEvents implements EventListener {

    /** How long {@link #await} waits. */
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final List<Event> events = new ArrayList<>();

    @Override
    public synchronized void onEvent(Event event) {
        events.add(event);
        notifyAll();
    }

    /**
     * Waits until an event of {@code type} about a request to {@code path} has arrived; a null
     * {@code path} matches any event of that type (connection events carry no request).
     *
     * @throws AssertionError when none arrives within 10 s, listing the events seen
     */
    synchronized Event await(Type type, String path) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (true) {
            for (Event event : events) {
                if (matches(event, type, path)) {
                    return event;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError(
                        "no " + type + (path != null ? " for " + path : "") + " within 10 s; events: " + events);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** Returns how many events of {@code type} arrived about requests to {@code path} (null: any). */
    synchronized long count(Type type, String path) {
        return events.stream().filter(event -> matches(event, type, path)).count();
    }

    /** Returns how many events of {@code type} arrived. */
    long count(Type type) {
        return count(type, null);
    }

    @Override
    public synchronized String toString() {
        return events.toString();
    }

    private static boolean matches(Event event, Type type, String path) {
        return event.type() == type
                && (path == null
                        || event.request() != null
                                && path.equals(event.request().url().getPath()));
    }
}
