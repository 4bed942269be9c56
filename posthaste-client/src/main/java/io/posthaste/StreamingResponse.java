package io.posthaste;

import io.posthaste.internal.exchange.BodyPublisher;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.ref.Cleaner;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A response whose body is read as it arrives, for bodies of any size. It holds a connection
 * until closed: always use try-with-resources. Closing after the whole body was read returns the
 * connection to the pool; closing earlier closes the connection. A response that is dropped
 * without being closed is noticed when it is garbage-collected: its connection is closed and a
 * warning is logged, so a forgotten stream can never exhaust the pool for good.
 *
 * <p>The body is read either on the caller's thread, from {@link #body()} (or {@link #saveTo},
 * {@link #bytes()}), or without blocking any thread, by subscribing to {@link #publisher()}; not
 * both. Either way a slow reader makes the server wait, with at most about 1 MiB buffered in
 * between. Not thread-safe, except {@link #publisher()} and {@link #close()}.
 *
 * {@snippet :
 * try (StreamingResponse response = session.get("https://example.com/big.iso").stream()) {
 *     long bytes = response.saveTo(Path.of("big.iso"));
 * }
 * }
 */
public final class StreamingResponse implements AutoCloseable {

    private static final Cleaner CLEANER = Cleaner.create();
    private static final System.Logger LOG = System.getLogger(StreamingResponse.class.getName());

    private final Request request;
    private final int status;
    private final String reason;
    private final Headers headers;
    private final String version;
    private final InputStream body;
    private final Release release;
    private final Cleaner.Cleanable cleanable;
    /** Makes the timings when asked, or null: no server sent it. */
    private final @Nullable Supplier<Timings> timings;
    /** Where the trailer fields come from, or null if none will. */
    private final @Nullable Supplier<Headers> trailers;

    private final BodyPublisher publisher;

    StreamingResponse(
            Request request,
            int status,
            @Nullable String reason,
            Headers headers,
            String version,
            InputStream body,
            Runnable onClose,
            @Nullable Supplier<Timings> timings,
            @Nullable Supplier<Headers> trailers,
            Executor signals) {
        this.timings = timings;
        this.trailers = trailers;
        this.request = request;
        this.status = status;
        this.reason = reason == null ? "" : reason;
        this.headers = headers.maskedLike(request.headers());
        this.version = version;
        this.body = body;
        this.release = new Release(onClose, request.toString());
        this.cleanable = CLEANER.register(this, release);
        // It holds this response (through close), so a response whose body a subscriber is
        // reading is never taken for a forgotten one while only the subscription is referenced.
        this.publisher = BodyPublisher.of(body, this::close, signals, request.toString());
    }

    /** Returns the status code. */
    public int status() {
        return status;
    }

    /** Returns the reason phrase; may be empty. */
    public String reason() {
        return reason;
    }

    /** Returns the response headers. */
    public Headers headers() {
        return headers;
    }

    /**
     * Returns the trailer fields that followed the body (an HTTP/2 trailing HEADERS block, or the
     * trailer section of an HTTP/1.1 chunked body), empty when none came. They arrive after the
     * body, so they are known once the body was read to its end. Any thread.
     *
     * @throws IllegalStateException if the body has not been read to its end yet (or failed)
     */
    public Headers trailers() {
        return trailers == null ? Headers.empty() : trailers.get();
    }

    /** Returns the protocol version, e.g. {@code "HTTP/1.1"}. */
    public String version() {
        return version;
    }

    /** Returns the URL the response came from. */
    public URI url() {
        return request.url();
    }

    /** Returns the request that produced this response. */
    public Request request() {
        return request;
    }

    /**
     * Returns where the time of the call went so far, as {@link Response#timings()} does. The
     * body arrives after this response is handed back, so {@link Timings#bodyRead()} is zero
     * until the body has been read to its end, and {@link Timings#total()} then grows to take it
     * in; each call returns a new snapshot. Zeros for a response no server sent.
     */
    public Timings timings() {
        return timings == null ? Timings.NONE : timings.get();
    }

    /**
     * Returns the body as a stream (decompressed). Reading fails with an {@link IOException}
     * whose cause is a {@link ClientException} if the exchange fails midway.
     */
    public InputStream body() {
        return body;
    }

    /**
     * Returns the rest of the body as a {@link Flow.Publisher} (decompressed), for reading it
     * without blocking a thread: the connection reads only as fast as the subscriber requests. It
     * takes one subscriber; a second one gets {@code onError(IllegalStateException)}. Once
     * subscribed, {@link #body()} is no longer readable. Any thread; returns the same publisher
     * each time.
     *
     * <ul>
     *   <li>Back-pressure: at most about 1 MiB of the body waits unrequested; past that the
     *       connection stops reading (on HTTP/2 the stream's window stays closed) until the
     *       subscriber requests again, and the server waits.</li>
     *   <li>Buffers: each {@code onNext} gets a heap buffer of its own (one piece of the body as it
     *       came off the network, often tens of KiB), which the subscriber may keep.</li>
     *   <li>The end: {@code onComplete} after the last buffer, the connection already back in the
     *       pool and {@link #trailers()} readable; or {@code onError} with the usual
     *       {@link ClientException} (a {@link ClientTimeoutException}, a reset as
     *       {@link ClientConnectionException}, a truncated body as {@link ClientPayloadException}).
     *       {@code request(n)} with {@code n <= 0} ends it with
     *       {@code onError(IllegalArgumentException)}, and closing this response first with
     *       {@code onError(CancellationException)}.</li>
     *   <li>{@code cancel()} releases the connection at once, as {@link #close()} before the end
     *       does: an HTTP/1.1 connection is closed, an HTTP/2 stream reset (CANCEL). No signal
     *       follows it.</li>
     *   <li>Threading: signals come one at a time on the session's callback executor
     *       ({@link ClientSession.Builder#callbackExecutor}), never on an I/O thread and never
     *       inside {@code subscribe} or {@code request}.</li>
     * </ul>
     * The subscription ends the response: once it has completed, failed or been cancelled this
     * response needs no {@link #close()} (which stays harmless). A subscriber must request or
     * cancel in the end; one that neither does holds the connection until the call's total
     * timeout, if any.
     *
     * {@snippet :
     * session.get(url).streamAsync()
     *         .thenAccept(response -> response.publisher().subscribe(subscriber));
     * }
     */
    public Flow.Publisher<ByteBuffer> publisher() {
        return publisher;
    }

    /**
     * Copies the rest of the body to {@code file} (replacing it) and closes this response. The
     * file appears only complete: the bytes go to a temporary file next to it, renamed onto it
     * at the end (atomically), and deleted if the copy fails. A new file gets the usual mode,
     * 0666 masked by the process's umask ({@code rw-r--r--} under the common 022), as curl's
     * and wget's downloads do.
     *
     * @return the number of bytes written
     * @throws UncheckedIOException if the body or the file fails
     */
    public long saveTo(Path file) {
        try (this;
                PartialFile partial = PartialFile.beside(file)) {
            long copied = body.transferTo(partial.out());
            partial.commit();
            return copied;
        } catch (IOException e) {
            throw new UncheckedIOException("saving the body of " + request + " to " + file, e);
        }
    }

    /**
     * Reads the rest of the body into memory and closes this response.
     *
     * @throws UncheckedIOException if the body fails
     */
    public byte[] bytes() {
        try (this) {
            return body.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading the body of " + request, e);
        }
    }

    /** Releases the connection: back to the pool if the body was read to its end. Idempotent. */
    @Override
    public void close() {
        release.closedByUser = true;
        cleanable.clean();
    }

    @Override
    public String toString() {
        return "StreamingResponse[" + status + " " + reason + ", " + request + "]";
    }

    /** Runs once, when closed or when found unreachable; must not refer to the response. */
    private static final class Release implements Runnable {
        private final Runnable onClose;
        private final String request;
        private final AtomicBoolean done = new AtomicBoolean();
        private volatile boolean closedByUser;

        Release(Runnable onClose, String request) {
            this.onClose = onClose;
            this.request = request;
        }

        @Override
        public void run() {
            if (done.compareAndSet(false, true)) {
                if (!closedByUser) {
                    LOG.log(
                            System.Logger.Level.WARNING,
                            "A StreamingResponse for " + request
                                    + " was never closed; its connection has been closed. Use try-with-resources.");
                }
                onClose.run();
            }
        }
    }
}
