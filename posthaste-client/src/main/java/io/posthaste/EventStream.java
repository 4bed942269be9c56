package io.posthaste;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A Server-Sent Events stream ({@code text/event-stream}) that reconnects by itself, from
 * {@link ClientSession#events(String)}. Events are read as the WHATWG EventSource rules say; when
 * the connection drops (or the server ends the response) the stream reconnects after the server's
 * {@code retry} delay, sending the last event id as {@code Last-Event-ID}, so that a server that
 * keeps its events resumes where the client left off. It stops for good, ending the iteration,
 * when the server answers {@code 204 No Content}.
 *
 * {@snippet :
 * try (EventStream events = session.events("https://example.com/feed").open()) {
 *     for (ServerSentEvent event : events) {
 *         System.out.println(event.event() + ": " + event.data());
 *     }
 * }
 * }
 *
 * <p>Failures raise the usual exceptions, from {@link Builder#open()} for the first connection and
 * from the iterator's {@code hasNext()} for later ones: a 4xx/5xx answer raises
 * {@link ClientResponseException}; a response that is not an event stream (a status other than
 * 200 and 204 below 400, or a content type other than {@code text/event-stream}) raises
 * {@link ContentTypeException}; neither is retried. A connection that cannot be made, times out
 * or breaks is retried with a bounded exponential backoff (the reconnection time, doubled after
 * each attempt that brought no event, capped by {@link Builder#maxRetryDelay(Duration)}) until
 * {@link Builder#maxReconnectAttempts(int) the attempts} run out, when the last failure is raised.
 * An event over {@link Builder#maxEventSize(int) the size limit} raises
 * {@link ClientPayloadException}.
 *
 * <p>Threading: iterate on one thread. {@link #close()} may be called from any thread, at any
 * time: a blocked {@code hasNext()} (waiting for an event, for a connection or to reconnect)
 * then returns false. The stream holds a connection until closed: always close it.
 */
public final class EventStream implements AutoCloseable, Iterable<ServerSentEvent> {

    /**
     * Receives a stream's events on a thread the stream owns ({@link Builder#open(Listener)}), one
     * call at a time, in order; never on an I/O thread. A listener may block: the stream reads
     * ahead by at most what the connection buffers (about 1 MiB), then the server waits.
     */
    public interface Listener {
        /** Called for each event. An exception thrown here closes the stream and goes to {@link #onError}. */
        void onEvent(ServerSentEvent event);

        /**
         * Called once if the stream fails: the first connection failed, a reconnection was refused
         * (4xx/5xx, not an event stream), the attempts ran out, or {@link #onEvent} threw. Not called
         * after {@link EventStream#close()}. The default does nothing.
         */
        default void onError(Throwable failure) {}

        /** Called last, exactly once, however the stream ended. The default does nothing. */
        default void onClosed() {}
    }

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final EventReader reader;
    private boolean iterated;

    private EventStream(EventReader reader) {
        this.reader = reader;
    }

    /**
     * Returns the events; the iterator blocks in {@code hasNext()} until the next event arrives,
     * and reports the end of the stream (a 204, or {@link #close()}) with {@code false}.
     *
     * @throws IllegalStateException if called a second time, or on a stream opened with a listener
     */
    @Override
    public synchronized Iterator<ServerSentEvent> iterator() {
        if (iterated) {
            throw new IllegalStateException(
                    "an EventStream can be iterated once, and a listener's stream " + "belongs to its thread");
        }
        iterated = true;
        return reader;
    }

    /** Returns the last event id: what a reconnection sends as {@code Last-Event-ID} ("" for none). */
    public String lastEventId() {
        return reader.lastEventId();
    }

    /** Returns how many times the stream has connected, the first connection included. */
    public int connectionCount() {
        return reader.connections();
    }

    /** Returns whether {@link #close()} has been called. */
    public boolean isClosed() {
        return reader.isClosed();
    }

    /**
     * Closes the connection and ends the stream: a {@code hasNext()} blocked on another thread
     * returns false, a listener gets {@link Listener#onClosed()}. Idempotent, any thread.
     */
    @Override
    public void close() {
        reader.cancel();
    }

    @Override
    public String toString() {
        return "EventStream[" + reader + "]";
    }

    /**
     * Configures an {@link EventStream}. Not thread-safe. Defaults: the session's headers, auth,
     * cookies and timeouts (a long quiet stream needs a longer {@link #readTimeout(Duration)} than
     * the default 30 s, or server comments as a heartbeat), no initial {@code Last-Event-ID},
     * a reconnection time of 3 s until the server sends {@code retry}, 10 reconnection attempts,
     * delays capped at 60 s, events of at most 1 MiB.
     */
    public static final class Builder {
        private final ClientSession session;
        private final String url;
        private final List<Map.Entry<String, String>> headers = new ArrayList<>();
        private String lastEventId = "";
        private int maxReconnectAttempts = 10;
        private Duration retryDelay = Duration.ofSeconds(3);
        private Duration maxRetryDelay = Duration.ofSeconds(60);
        private @Nullable Duration readTimeout;
        private int maxEventSize = 1024 * 1024;

        Builder(ClientSession session, String url) {
            this.session = session;
            this.url = Objects.requireNonNull(url, "url");
        }

        /** Adds a request header to every connection (validated when the stream opens). */
        public Builder header(String name, String value) {
            headers.add(Map.entry(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value")));
            return this;
        }

        /** Adds each of {@code fields} as a request header. */
        public Builder headers(Map<String, String> fields) {
            fields.forEach(this::header);
            return this;
        }

        /**
         * Sends {@code id} as {@code Last-Event-ID} on the first connection too, to resume a stream
         * an earlier {@code EventStream} read ("" for none, the default).
         */
        public Builder lastEventId(String id) {
            Objects.requireNonNull(id, "id");
            if (id.indexOf('\0') >= 0 || id.indexOf('\r') >= 0 || id.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("an event id cannot contain NUL, CR or LF");
            }
            this.lastEventId = id;
            return this;
        }

        /**
         * Sets how many reconnections in a row may fail (or bring no event) before the stream gives
         * up and raises the last failure; 0 never reconnects. Default 10; an event resets the count.
         */
        public Builder maxReconnectAttempts(int attempts) {
            if (attempts < 0) {
                throw new IllegalArgumentException("maxReconnectAttempts must not be negative: " + attempts);
            }
            this.maxReconnectAttempts = attempts;
            return this;
        }

        /** Sets the reconnection time until the server sends {@code retry}; default 3 s. */
        public Builder retryDelay(Duration delay) {
            this.retryDelay = nonNegative(delay, "retryDelay");
            return this;
        }

        /** Caps every reconnection delay, the server's {@code retry} and the backoff's; default 60 s. */
        public Builder maxRetryDelay(Duration cap) {
            this.maxRetryDelay = nonNegative(cap, "maxRetryDelay");
            return this;
        }

        /**
         * Sets the longest quiet time between two reads before the connection counts as broken
         * (and is reconnected); default the session's read timeout.
         */
        public Builder readTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("readTimeout must be positive: " + timeout);
            }
            this.readTimeout = timeout;
            return this;
        }

        /**
         * Sets the longest line, in bytes, and the most data, in characters, one event may have;
         * default 1 MiB. The stream holds about twice this at most; a larger event raises
         * {@link ClientPayloadException}.
         */
        public Builder maxEventSize(int bytes) {
            if (bytes < 64) {
                throw new IllegalArgumentException("maxEventSize must be at least 64: " + bytes);
            }
            this.maxEventSize = bytes;
            return this;
        }

        /**
         * Connects, waits for the response head, and returns the stream. The first connection is not
         * retried: its failure is raised here.
         *
         * @throws ClientResponseException for a 4xx/5xx answer
         * @throws ContentTypeException for an answer that is not an event stream
         * @throws ClientException for every other failure
         */
        public EventStream open() {
            EventReader reader = reader();
            reader.connectFirst();
            return new EventStream(reader);
        }

        /**
         * Returns at once a stream that connects and delivers its events to {@code listener} on a
         * thread of its own (a daemon thread named {@code posthaste-events-N}), until the stream
         * ends, fails or is closed. A stream opened this way cannot be iterated.
         */
        public EventStream open(Listener listener) {
            Objects.requireNonNull(listener, "listener");
            EventStream stream = new EventStream(reader());
            stream.iterated = true;
            Thread thread =
                    new Thread(() -> stream.reader.deliver(listener), "posthaste-events-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            thread.start();
            return stream;
        }

        private EventReader reader() {
            return new EventReader(
                    session,
                    url,
                    List.copyOf(headers),
                    lastEventId,
                    maxReconnectAttempts,
                    retryDelay.toMillis(),
                    maxRetryDelay.toMillis(),
                    readTimeout,
                    maxEventSize);
        }

        private static Duration nonNegative(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative()) {
                throw new IllegalArgumentException(what + " must not be negative: " + d);
            }
            return d;
        }
    }
}
