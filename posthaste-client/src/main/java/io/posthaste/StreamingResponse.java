package io.posthaste;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.ref.Cleaner;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * A response whose body is read as it arrives, for bodies of any size. It holds a connection
 * until closed: always use try-with-resources. Closing after the whole body was read returns the
 * connection to the pool; closing earlier closes the connection. A response that is dropped
 * without being closed is noticed when it is garbage-collected: its connection is closed and a
 * warning is logged, so a forgotten stream can never exhaust the pool for good.
 *
 * <p>The body is read on the caller's thread; a slow reader makes the server wait, with at most
 * about 1 MiB buffered in between. Not thread-safe.
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
    private final Supplier<Timings> timings;
    private final Supplier<Headers> trailers;

    StreamingResponse(Request request, int status, String reason, Headers headers, String version,
            InputStream body, Runnable onClose, Supplier<Timings> timings, Supplier<Headers> trailers) {
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
        try (this; PartialFile partial = PartialFile.beside(file)) {
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
                    LOG.log(System.Logger.Level.WARNING, "A StreamingResponse for " + request
                            + " was never closed; its connection has been closed. Use try-with-resources.");
                }
                onClose.run();
            }
        }
    }
}
