package io.posthaste.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A scripted Server-Sent Events endpoint ({@code text/event-stream}) that behaves like a real one
 * across reconnections: each request resumes after the event whose id it names in
 * {@code Last-Event-ID}, and the header each request sent is kept for {@link #lastEventIds()}.
 *
 * {@snippet :
 * EventStreamEndpoint feed = EventStreamEndpoint.builder()
 *         .retry(Duration.ofMillis(50))       // "retry: 50" at the start of every connection
 *         .event("1", "tick", "one")          // id, event type, data
 *         .event("2", "tick", "two\nlines")   // one "data:" line per line
 *         .event("3", "tick", "three")
 *         .dropAfter(2)                       // each connection breaks after two events
 *         .build();
 * server.mount("/feed", feed);
 * // first connection: events 1 and 2, then the connection drops (mid-event, without ending the body)
 * // second connection (Last-Event-ID: 2): event 3, then the body ends properly
 * // third connection (Last-Event-ID: 3): 204 No Content, which tells a client to stop
 * assert feed.lastEventIds().equals(Arrays.asList(null, "2", "3"));
 * }
 *
 * <p>Every answer is {@code 200} with {@code Content-Type: text/event-stream}, chunked, one chunk per
 * item, each written after {@link Builder#pause(Duration) a pause} if one is set; a request that
 * names the last id (or finds nothing left to send) gets {@code 204 No Content}. An id the script
 * does not know resumes from the start. A dropped connection ends with the first line of an event
 * that never completes ({@code data: (cut off)}), so a client that dispatches it breaks the rules.
 * The endpoint serves HTTP/2 streams the same way (a drop then closes the connection). Thread-safe.
 */
public final class EventStreamEndpoint implements Endpoint {

    /** What a dropped connection sends last: the start of an event that never completes. */
    static final String CUT_OFF = "data: (cut off)\n";

    private record Item(String id, byte[] bytes) {}

    private final List<Item> items;
    private final int dropAfter;
    private final String retry;
    private final Duration pause;
    private final List<String> lastEventIds = Collections.synchronizedList(new ArrayList<>());

    private EventStreamEndpoint(Builder b) {
        this.items = List.copyOf(b.items);
        this.dropAfter = b.dropAfter;
        this.retry = b.retry;
        this.pause = b.pause;
    }

    /** Returns a builder for an endpoint with no events, no drops, no pause and no {@code retry:} field. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the {@code Last-Event-ID} each request to this endpoint sent, in arrival order: null
     * for a request that sent none.
     */
    public List<String> lastEventIds() {
        synchronized (lastEventIds) {
            return Collections.unmodifiableList(new ArrayList<>(lastEventIds));
        }
    }

    /** Returns how many requests this endpoint has answered. */
    public int requestCount() {
        return lastEventIds.size();
    }

    /** Returns the answer to {@code request}, and records its {@code Last-Event-ID}. */
    MockResponse answer(RecordedRequest request) {
        String last = request.header("Last-Event-ID");
        lastEventIds.add(last);
        int from = 0;
        for (int i = 0; last != null && i < items.size(); i++) {
            if (last.equals(items.get(i).id())) {
                from = i + 1;
            }
        }
        if (last != null && from >= items.size()) {
            return MockResponse.status(204);
        }
        int to = dropAfter > 0 ? Math.min(items.size(), from + dropAfter) : items.size();
        boolean drop = dropAfter > 0 && to < items.size();
        List<byte[]> chunks = new ArrayList<>();
        if (retry != null) {
            chunks.add(retry.getBytes(StandardCharsets.UTF_8));
        }
        items.subList(from, to).forEach(item -> chunks.add(item.bytes()));
        if (drop) {
            chunks.add(CUT_OFF.getBytes(StandardCharsets.UTF_8));
        }
        MockResponse.Builder answer = MockResponse.builder()
                .header("Content-Type", "text/event-stream")
                .header("Cache-Control", "no-cache")
                .body(concat(chunks))
                .chunked(chunks.stream().mapToInt(c -> c.length).toArray())
                .chunkPause(pause);
        if (drop) {
            answer.disconnectAfterBodyBytes(
                    chunks.stream().mapToLong(c -> c.length).sum());
        }
        return answer.build();
    }

    private static byte[] concat(List<byte[]> chunks) {
        byte[] all = new byte[chunks.stream().mapToInt(c -> c.length).sum()];
        int at = 0;
        for (byte[] c : chunks) {
            System.arraycopy(c, 0, all, at, c.length);
            at += c.length;
        }
        return all;
    }

    @Override
    public String toString() {
        return "EventStreamEndpoint[" + items.size() + " items" + (dropAfter > 0 ? ", drop after " + dropAfter : "")
                + "]";
    }

    /** Builds an {@link EventStreamEndpoint}; not thread-safe. Every method validates its input at once. */
    public static final class Builder {
        private final List<Item> items = new ArrayList<>();
        private int dropAfter;
        private String retry;
        private Duration pause = Duration.ZERO;

        private Builder() {}

        /** Adds an event of the default type ({@code message}) without an id. */
        public Builder event(String data) {
            return event(null, null, data);
        }

        /**
         * Adds an event. Each line of {@code data} (split at LF) becomes one {@code data:} line.
         *
         * @param id the {@code id:} field, or null for none; no CR, LF or NUL
         * @param type the {@code event:} field, or null for none; no CR or LF
         * @param data the data; no CR
         */
        public Builder event(String id, String type, String data) {
            if (data == null || data.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("data must be non-null without CR (split lines with LF)");
            }
            StringBuilder text = new StringBuilder();
            if (id != null) {
                field("id", id, true);
                text.append("id: ").append(id).append('\n');
            }
            if (type != null) {
                field("event", type, false);
                text.append("event: ").append(type).append('\n');
            }
            for (String line : data.split("\n", -1)) {
                text.append("data: ").append(line).append('\n');
            }
            items.add(new Item(id, text.append('\n').toString().getBytes(StandardCharsets.UTF_8)));
            return this;
        }

        /**
         * Adds bytes sent exactly as given, as one item (one chunk, counted by {@link #dropAfter}):
         * comments, CRLF line ends, a byte-order mark, invalid UTF-8, an event split across items.
         */
        public Builder raw(byte[] bytes) {
            if (bytes == null || bytes.length == 0) {
                throw new IllegalArgumentException("raw bytes must not be empty");
            }
            items.add(new Item(null, bytes.clone()));
            return this;
        }

        /** Adds {@code text} encoded as UTF-8, sent exactly as given; see {@link #raw(byte[])}. */
        public Builder raw(String text) {
            if (text == null) {
                throw new IllegalArgumentException("raw text must not be null");
            }
            return raw(text.getBytes(StandardCharsets.UTF_8));
        }

        /**
         * Breaks every connection after {@code n} (at least 1) items: the answer stops without
         * ending its body and the connection closes. The default, 0, never drops.
         */
        public Builder dropAfter(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("dropAfter must be at least 1: " + n);
            }
            this.dropAfter = n;
            return this;
        }

        /** Starts every connection with {@code retry: <milliseconds>} (a block without data). */
        public Builder retry(Duration reconnectionTime) {
            if (reconnectionTime == null || reconnectionTime.isNegative()) {
                throw new IllegalArgumentException("retry must be zero or positive: " + reconnectionTime);
            }
            this.retry = "retry: " + reconnectionTime.toMillis() + "\n\n";
            return this;
        }

        /** Waits {@code between} before each item after the first of a connection (default none). */
        public Builder pause(Duration between) {
            if (between == null || between.isNegative() || between.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("pause must be between zero and an hour: " + between);
            }
            this.pause = between;
            return this;
        }

        /** Returns the endpoint; it starts with no requests recorded. */
        public EventStreamEndpoint build() {
            return new EventStreamEndpoint(this);
        }

        private static void field(String name, String value, boolean noNul) {
            if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || (noNul && value.indexOf('\0') >= 0)) {
                throw new IllegalArgumentException(
                        name + " must not contain CR, LF" + (noNul ? " or NUL" : "") + ": " + value);
            }
        }
    }
}
