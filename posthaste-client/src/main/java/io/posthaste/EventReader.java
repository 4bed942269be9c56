package io.posthaste;

import io.posthaste.internal.sse.EventParser;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The engine of an {@link EventStream}: connects, feeds the body to the {@link EventParser},
 * reconnects with {@code Last-Event-ID} and a bounded backoff, and stops on 204. Iterated by one
 * thread; {@link #close()} from any thread wakes it wherever it waits (for a piece of the body,
 * for the response head, or for the reconnection delay).
 */
final class EventReader implements Iterator<ServerSentEvent>, EventParser.Sink {

    private final ClientSession session;
    private final String url;
    private final List<Map.Entry<String, String>> headers;
    private final int maxReconnectAttempts;
    private final long maxRetryMillis;
    /** The read timeout of the connections, or null: the session's. */
    private final @Nullable Duration readTimeout;

    private final EventParser parser;
    private final ArrayDeque<ServerSentEvent> ready = new ArrayDeque<>();
    private final byte[] buffer = new byte[8192];
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile boolean closed;
    /** Whether the user closed the stream (rather than a failure or the end doing so). */
    private volatile boolean cancelled;

    private volatile @Nullable CompletableFuture<StreamingResponse> connecting;
    private volatile @Nullable StreamingResponse current;
    private volatile String lastEventId;
    private volatile int connections;
    private long reconnectionMillis;
    /** Reconnections in a row that failed or brought no event. */
    private int failures;

    private int eventsOnConnection;
    private @Nullable ClientException lastFailure;
    private boolean finished;

    EventReader(
            ClientSession session,
            String url,
            List<Map.Entry<String, String>> headers,
            String lastEventId,
            int maxReconnectAttempts,
            long retryMillis,
            long maxRetryMillis,
            @Nullable Duration readTimeout,
            int maxEventSize) {
        this.session = session;
        this.url = url;
        this.headers = headers;
        this.maxReconnectAttempts = maxReconnectAttempts;
        this.reconnectionMillis = retryMillis;
        this.maxRetryMillis = maxRetryMillis;
        this.readTimeout = readTimeout;
        this.lastEventId = lastEventId;
        this.parser = new EventParser(this, lastEventId, maxEventSize);
    }

    String lastEventId() {
        return lastEventId;
    }

    int connections() {
        return connections;
    }

    boolean isClosed() {
        return closed;
    }

    /** Makes the first connection; its failure is raised, not retried. */
    void connectFirst() {
        try {
            ClientException failure = connect();
            if (failure != null) {
                throw failure;
            }
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** Runs the stream for a listener, on the calling (the stream's own) thread. */
    void deliver(EventStream.Listener listener) {
        try {
            connectFirst();
            while (hasNext()) {
                listener.onEvent(next());
            }
        } catch (RuntimeException | Error e) {
            if (!cancelled) {
                listener.onError(e);
            }
        } finally {
            close();
            listener.onClosed();
        }
    }

    @Override
    public boolean hasNext() {
        while (ready.isEmpty()) {
            if (closed || finished) {
                return false;
            }
            StreamingResponse response = current;
            if (response == null) {
                reconnect();
                continue;
            }
            int n;
            try {
                n = response.body().read(buffer);
            } catch (IOException e) {
                if (closed) {
                    return false;
                }
                dropped(
                        response,
                        e.getCause() instanceof ClientException c
                                ? c
                                : new ClientConnectionException(
                                        "the event stream from " + url + " broke: " + e.getMessage(), e, false, true));
                continue;
            }
            if (n < 0) {
                dropped(response, null);
                continue;
            }
            try {
                parser.feed(buffer, 0, n);
            } catch (EventParser.TooLarge e) {
                close();
                throw new ClientPayloadException(e.getMessage() + " (GET " + url + ")", e);
            }
        }
        return true;
    }

    @Override
    public ServerSentEvent next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the event stream has ended");
        }
        return ready.poll();
    }

    @Override
    public void event(String id, String type, String data, long retryMillis) {
        lastEventId = id;
        eventsOnConnection++;
        failures = 0;
        ready.add(ServerSentEvent.of(id, type, data, retryMillis < 0 ? null : Duration.ofMillis(retryMillis)));
    }

    @Override
    public void retry(long millis) {
        reconnectionMillis = millis;
    }

    /** Ends the stream on the user's behalf: no error is reported after this. */
    void cancel() {
        cancelled = true;
        close();
    }

    void close() {
        if (closed) {
            return;
        }
        closed = true;
        closing.countDown();
        CompletableFuture<StreamingResponse> pending = connecting;
        if (pending != null) {
            pending.cancel(true);
        }
        StreamingResponse response = current;
        if (response != null) {
            response.close();
        }
    }

    /** {@code response} ended (cleanly when {@code failure} is null): forget it, reconnect later. */
    private void dropped(StreamingResponse response, @Nullable ClientException failure) {
        response.close();
        current = null;
        parser.reset();
        // An id-only block read before the drop still counts for the reconnection.
        lastEventId = parser.lastEventId();
        if (eventsOnConnection == 0) {
            failures++;
        }
        lastFailure = failure != null
                ? failure
                : new ClientConnectionException(
                        "the server ended the event " + "stream from " + url + " without sending an event",
                        null,
                        false,
                        true);
    }

    /** Waits the reconnection delay, then connects; gives up when the attempts have run out. */
    private void reconnect() {
        endIfSessionClosed();
        if (maxReconnectAttempts == 0 || failures >= maxReconnectAttempts) {
            finished = true;
            close();
            // Set: only a drop or a failed reconnection leaves no current connection to read.
            ClientException last = Objects.requireNonNull(lastFailure, "lastFailure");
            last.addSuppressed(new IllegalStateException(
                    "gave up after " + failures + " reconnection attempt(s) in a row without an event"));
            throw last;
        }
        long delay = Math.min(
                maxRetryMillis, failures == 0 ? reconnectionMillis : reconnectionMillis << Math.min(failures - 1, 20));
        try {
            if (delay > 0 && closing.await(delay, TimeUnit.MILLISECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            return;
        }
        endIfSessionClosed();
        ClientException failure = connect();
        if (failure != null) {
            failures++;
            lastFailure = failure;
        }
    }

    /**
     * Ends the stream if its session closed: there is nothing to reconnect with. It ends with the
     * drop's error, which says the session was closed when that is what dropped it.
     */
    private void endIfSessionClosed() {
        if (!session.isClosed()) {
            return;
        }
        finished = true;
        close();
        throw lastFailure != null
                ? lastFailure
                : new ClientConnectionException(
                        "the event stream from " + url + " ended: the session was closed", null, false, false);
    }

    /**
     * Connects once. Returns a failure worth retrying (the connection could not be made or timed
     * out), or null when connected, closed or told to stop (204); raises what must not be retried.
     */
    private @Nullable ClientException connect() {
        RequestBuilder request = session.get(url)
                .raiseForStatus(true)
                .header("Accept", "text/event-stream")
                .header("Cache-Control", "no-cache");
        headers.forEach(h -> request.header(h.getKey(), h.getValue()));
        if (!lastEventId.isEmpty()) {
            request.header("Last-Event-ID", lastEventId);
        }
        if (readTimeout != null) {
            request.timeouts(
                    session.config().timeouts().toBuilder().read(readTimeout).build());
        }
        Request sent = session.checkOpen(request.build());
        CompletableFuture<StreamingResponse> pending = session.threads().forBlockingCaller(session.call().stream(sent));
        connecting = pending;
        connections++;
        if (closed) {
            pending.cancel(true);
        }
        StreamingResponse response;
        try {
            response = pending.get();
        } catch (CancellationException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            return null;
        } catch (ExecutionException e) {
            if (closed) {
                return null;
            }
            if (e.getCause() instanceof ClientConnectionException
                    || e.getCause() instanceof ClientTimeoutException
                    || e.getCause() instanceof ClientPayloadException) {
                return (ClientException) e.getCause();
            }
            finished = true;
            close();
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            connecting = null;
        }
        return accept(response);
    }

    private @Nullable ClientException accept(StreamingResponse response) {
        if (response.status() == 204) {
            response.close();
            finished = true;
            return null;
        }
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (response.status() != 200 || !isEventStream(type)) {
            finished = true;
            ContentTypeException wrong = new ContentTypeException(
                    snapshot(response),
                    "expected 200 "
                            + "text/event-stream but got " + response.status() + " '" + type + "' from GET "
                            + response.request().redactedUrl());
            close();
            throw wrong;
        }
        current = response;
        eventsOnConnection = 0;
        if (closed) {
            response.close();
        }
        return null;
    }

    private static boolean isEventStream(String contentType) {
        String essence = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return essence.equals("text/event-stream");
    }

    /** A buffered copy of a wrong answer for the exception: its body only when short and sized. */
    private Response snapshot(StreamingResponse response) {
        byte[] body = new byte[0];
        long length = response.headers()
                .firstValue("Content-Length")
                .map(EventReader::parseLength)
                .orElse(-1L);
        try (InputStream in = response.body()) {
            if (length >= 0 && length <= ClientResponseException.BODY_SNAPSHOT_LIMIT) {
                body = in.readNBytes((int) length);
            }
        } catch (IOException e) {
            // The exception describes the response; a body that fails to arrive is left out.
        } finally {
            response.close();
        }
        return new Response(
                response.request(),
                response.status(),
                response.reason(),
                response.headers(),
                response.version(),
                body,
                List.of(),
                session.config().jsonCodec(),
                session.config().checkJsonContentType());
    }

    private static long parseLength(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public String toString() {
        return "GET " + url + ", last event id '" + lastEventId + "', " + connections + " connection(s)"
                + (closed ? ", closed" : "");
    }
}
