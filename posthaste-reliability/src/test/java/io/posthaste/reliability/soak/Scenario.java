package io.posthaste.reliability.soak;

import io.posthaste.Body;
import io.posthaste.ClientConnectionException;
import io.posthaste.ClientPayloadException;
import io.posthaste.ClientResponseException;
import io.posthaste.ClientSession;
import io.posthaste.ClientTimeoutException;
import io.posthaste.MediaType;
import io.posthaste.Multipart;
import io.posthaste.Response;
import io.posthaste.StreamingResponse;
import io.posthaste.testing.Fault;
import io.posthaste.testing.MockResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One kind of exchange in the soak: what the server answers (by the path the client asks for)
 * and what the client does. The size or delay travels in the path, so the dispatcher needs no
 * shared state and the client can check the body it gets.
 */
enum Scenario {
    GET_SMALL,
    GET_CHUNKED,
    GET_GZIP,
    GET_THROTTLED,
    DISCONNECT_AT_START,
    DISCONNECT_AFTER_HEAD,
    STALL,
    RESET,
    FLAKY_5XX,
    CUT_BODY,
    UPLOAD_FILE,
    UPLOAD_STREAM,
    UPLOAD_MULTIPART,
    STREAM_DOWNLOAD,
    CANCEL_ASYNC;

    /** Returns the server's answer to {@code /s/NAME/param}. */
    MockResponse answer(int param) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return switch (this) {
            case GET_SMALL, UPLOAD_FILE, UPLOAD_STREAM, UPLOAD_MULTIPART ->
                MockResponse.builder().body(new byte[param]).build();
            case GET_CHUNKED, STREAM_DOWNLOAD ->
                MockResponse.builder()
                        .body(new byte[param])
                        .chunked(1 + random.nextInt(8192), 1 + random.nextInt(8192))
                        .build();
            case GET_GZIP ->
                MockResponse.builder().body("a".repeat(param)).gzip().build();
            case GET_THROTTLED ->
                MockResponse.builder()
                        .body(new byte[param])
                        .throttle(4096, Duration.ofMillis(2))
                        .build();
            case DISCONNECT_AT_START ->
                MockResponse.builder().fault(Fault.DISCONNECT_AT_START).build();
            case DISCONNECT_AFTER_HEAD ->
                MockResponse.builder()
                        .fault(Fault.DISCONNECT_AFTER_REQUEST_HEAD)
                        .build();
            case STALL -> MockResponse.builder().fault(Fault.STALL).build();
            case RESET -> MockResponse.builder().fault(Fault.RESET).build();
            case FLAKY_5XX ->
                random.nextBoolean()
                        ? MockResponse.status(503)
                        : MockResponse.builder().body(new byte[param]).build();
            case CUT_BODY ->
                MockResponse.builder()
                        .body(new byte[param + 1000])
                        .disconnectAfterBodyBytes(param)
                        .build();
            case CANCEL_ASYNC ->
                MockResponse.builder()
                        .body(new byte[1024])
                        .headersDelay(Duration.ofMillis(param))
                        .build();
        };
    }

    /**
     * Returns whether {@code failure}, thrown by {@link #run}, is the one this scenario's fault
     * calls for: a connection error for a disconnect or a reset, the total timeout for a stall, a
     * 503 once the retries are spent, a payload error for a cut body. Healthy exchanges (and a
     * cancelled call, which {@link #run} reports itself) expect none: anything they throw is a
     * failure of the soak.
     */
    boolean expects(Throwable failure) {
        return switch (this) {
            case DISCONNECT_AT_START, DISCONNECT_AFTER_HEAD, RESET -> failure instanceof ClientConnectionException;
            case STALL ->
                failure instanceof ClientTimeoutException timeout
                        && timeout.phase() == ClientTimeoutException.Phase.TOTAL;
            case FLAKY_5XX -> failure instanceof ClientResponseException response && response.status() == 503;
            case CUT_BODY -> failure instanceof ClientPayloadException;
            case GET_SMALL,
                    GET_CHUNKED,
                    GET_GZIP,
                    GET_THROTTLED,
                    UPLOAD_FILE,
                    UPLOAD_STREAM,
                    UPLOAD_MULTIPART,
                    STREAM_DOWNLOAD,
                    CANCEL_ASYNC -> false;
        };
    }

    /**
     * Runs one exchange and returns a label for its outcome: "ok" (body checked), the status, or
     * "cancelled". Failures are thrown, for the caller to hold against {@link #expects}.
     */
    String run(ClientSession session, String base, Path file) throws Exception {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int param = switch (this) {
            case GET_SMALL, FLAKY_5XX, UPLOAD_FILE, UPLOAD_STREAM, UPLOAD_MULTIPART -> random.nextInt(4096);
            case GET_CHUNKED, GET_GZIP -> random.nextInt(64 * 1024);
            case GET_THROTTLED -> random.nextInt(32 * 1024);
            case CUT_BODY -> random.nextInt(16 * 1024);
            case STREAM_DOWNLOAD -> 64 * 1024 + random.nextInt(192 * 1024);
            case CANCEL_ASYNC -> random.nextInt(200);
            default -> 0;
        };
        String url = base + "/s/" + name() + "/" + param;
        return switch (this) {
            case STALL -> label(session.get(url).timeout(Duration.ofMillis(300)).send(), -1);
            case UPLOAD_FILE -> label(session.post(url).body(Body.of(file)).send(), param);
            case UPLOAD_STREAM ->
                label(
                        session.post(url)
                                .body(Body.of(randomStream(random.nextInt(128 * 1024)), MediaType.OCTET_STREAM))
                                .send(),
                        param);
            case UPLOAD_MULTIPART ->
                label(
                        session.post(url)
                                .multipart(Multipart.builder()
                                        .field("title", "soak ü " + param)
                                        .file("data", file)
                                        .file("stream", "s.bin", randomStream(random.nextInt(32 * 1024)), null)
                                        .build())
                                .send(),
                        param);
            case STREAM_DOWNLOAD -> streamDownload(session, url, param, random.nextInt(4) == 0);
            case CANCEL_ASYNC -> cancelAsync(session, url, random.nextInt(150));
            default ->
                label(
                        session.get(url).send(),
                        this == GET_GZIP
                                        || this == FLAKY_5XX
                                        || this == GET_SMALL
                                        || this == GET_CHUNKED
                                        || this == GET_THROTTLED
                                ? param
                                : -1);
        };
    }

    private static String label(Response response, int expectedLength) {
        if (expectedLength >= 0 && response.bodyLength() != expectedLength) {
            throw new CorruptBodyException("expected " + expectedLength + " body bytes, got " + response.bodyLength());
        }
        return response.status() == 200 ? "ok" : "status " + response.status();
    }

    private static String streamDownload(ClientSession session, String url, int length, boolean abandon)
            throws IOException {
        try (StreamingResponse response = session.get(url).stream();
                InputStream body = response.body()) {
            byte[] buffer = new byte[8192];
            long total = 0;
            for (int n; (n = body.read(buffer)) > 0; ) {
                total += n;
                if (abandon && total > length / 2) {
                    return "ok (closed half-read)"; // closing early must give back or drop the connection
                }
            }
            if (total != length) {
                throw new CorruptBodyException("streamed " + total + " of " + length + " bytes");
            }
            return "ok";
        }
    }

    private static String cancelAsync(ClientSession session, String url, int cancelAfterMillis) throws Exception {
        CompletableFuture<Response> future = session.get(url).sendAsync();
        Thread.sleep(cancelAfterMillis);
        boolean cancelled = future.cancel(true);
        try {
            return label(future.get(10, TimeUnit.SECONDS), 1024);
        } catch (java.util.concurrent.CancellationException e) {
            if (!cancelled) {
                throw e;
            }
            return "cancelled";
        }
    }

    private static InputStream randomStream(int length) {
        byte[] bytes = new byte[length];
        ThreadLocalRandom.current().nextBytes(bytes);
        return new ByteArrayInputStream(bytes);
    }

    /** A response whose body is not what the server sent: never expected. */
    static final class CorruptBodyException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CorruptBodyException(String message) {
            super(message);
        }
    }
}
