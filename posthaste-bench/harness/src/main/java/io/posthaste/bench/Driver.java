package io.posthaste.bench;

import java.net.URI;
import java.nio.file.Path;

/**
 * One HTTP client under test, opened for one scenario in its own JVM.
 *
 * <p>Every operation reads the whole response body (and discards it) before it reports the
 * status, so that every client does the same work. A driver uses its client's idiomatic API:
 * the async methods use the client's own asynchronous API, the blocking ones its own blocking
 * API. A driver that lacks one of the two says so through {@link #hasAsync()} /
 * {@link #hasBlocking()} and the harness skips or adapts the scenario rather than faking it.
 *
 * <p>Threading: async methods may be called from the harness's issuing thread while earlier
 * requests complete on the client's threads; blocking methods are called from up to
 * {@code concurrency} threads at once.
 */
public interface Driver extends AutoCloseable {

    /** Returns true when {@link #getAsync} and {@link #postAsync} use a real asynchronous API. */
    boolean hasAsync();

    /** Returns true when {@link #get} and {@link #post} use a real blocking API. */
    boolean hasBlocking();

    /** Starts a GET and calls {@code done} exactly once, from any thread. */
    default void getAsync(URI uri, Completion done) {
        throw new UnsupportedOperationException("no async API");
    }

    /** Starts a POST of {@code json} (Content-Type: application/json) and calls {@code done} once. */
    default void postAsync(URI uri, byte[] json, Completion done) {
        throw new UnsupportedOperationException("no async API");
    }

    /** Sends a GET, reads the body, returns the status. */
    default int get(URI uri) throws Exception {
        throw new UnsupportedOperationException("no blocking API");
    }

    /** Sends a POST of {@code json}, reads the body, returns the status. */
    default int post(URI uri, byte[] json) throws Exception {
        throw new UnsupportedOperationException("no blocking API");
    }

    /**
     * Uploads {@code file} as a multipart/form-data part named {@code upload_file} and returns the
     * status. Blocks until the answer arrived (the harness runs uploads one at a time).
     */
    int upload(URI uri, Path file) throws Exception;

    /** Streams the body of a GET to {@code target} (never buffered whole) and returns its size. */
    long download(URI uri, Path target) throws Exception;

    /**
     * Opens a WebSocket to {@code uri} (an echo server, {@code ws://}) with the client's own
     * WebSocket API, for the {@code ws-echo-*} scenarios; compression off where the client offers
     * it, since not every peer can.
     *
     * @throws UnsupportedOperationException if the client has no WebSocket API (the message says
     *     so); the run then records the pair as skipped
     */
    default EchoSocket openWebSocket(URI uri) throws Exception {
        throw new UnsupportedOperationException("no WebSocket client");
    }

    /** How this driver frames the multipart upload, e.g. "Content-Length, builder, copying". */
    String uploadFraming();

    /** Which pool and dispatcher defaults this driver changed, in a few words. */
    String poolSettings();

    @Override
    void close() throws Exception;
}
