package io.posthaste;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One event of a Server-Sent Events stream, as the WHATWG EventSource rules dispatch it. Immutable.
 *
 * @see EventStream
 */
public final class ServerSentEvent {

    private final String id;
    private final String event;
    private final String data;
    private final @Nullable Duration retry;

    private ServerSentEvent(String id, String event, String data, @Nullable Duration retry) {
        this.id = Objects.requireNonNull(id, "id");
        this.event = Objects.requireNonNull(event, "event");
        this.data = Objects.requireNonNull(data, "data");
        this.retry = retry;
    }

    /**
     * Returns an event, e.g. for tests of code that consumes events.
     *
     * @param id the last event id ("" for none)
     * @param event the event type
     * @param data the data
     * @param retry the reconnection time the event's block carried, or null
     */
    public static ServerSentEvent of(String id, String event, String data, @Nullable Duration retry) {
        return new ServerSentEvent(id, event, data, retry);
    }

    /**
     * Returns the last event id: the latest {@code id} field the stream sent, on this event or an
     * earlier one (ids persist, as in the browser's {@code MessageEvent.lastEventId}); "" when none
     * was ever sent. A reconnection sends it as {@code Last-Event-ID}.
     */
    public String id() {
        return id;
    }

    /** Returns the event type: the {@code event} field, or {@code message} when the event had none. */
    public String event() {
        return event;
    }

    /** Returns the data: the event's {@code data} lines joined with LF (no trailing LF). */
    public String data() {
        return data;
    }

    /**
     * Returns the {@code retry} field sent within this event's block, if any: the server's new
     * reconnection time. (A block with {@code retry} and no data is not an event, yet its value
     * applies all the same.)
     */
    public Optional<Duration> retry() {
        return Optional.ofNullable(retry);
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof ServerSentEvent e
                && id.equals(e.id)
                && event.equals(e.event)
                && data.equals(e.data)
                && Objects.equals(retry, e.retry);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, event, data, retry);
    }

    @Override
    public String toString() {
        return "ServerSentEvent[id=" + id + ", event=" + event + ", data=" + data
                + (retry != null ? ", retry=" + retry.toMillis() + "ms" : "") + "]";
    }
}
