package io.posthaste;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A download to a file that can continue where an earlier one stopped (RFC 9110 ranges), made by
 * {@link RequestBuilder#download(Path)}:
 * {@snippet :
 * long size = session.get("https://example.com/big.iso").download(Path.of("big.iso"))
 *         .retries(5)                       // resume across dropped connections
 *         .onProgress((done, total) -> System.out.printf("%d/%d%n", done, total))
 *         .run();
 * }
 * The bytes go to {@code NAME.part} beside the target, with the server's validator (a strong
 * {@code ETag}, else {@code Last-Modified}) in {@code NAME.part.validator}; the target appears,
 * by an atomic rename, only once whole. When a {@code .part} file and its validator are there,
 * the request asks for the rest ({@code Range: bytes=N-} with {@code If-Range}): a 206 is
 * appended, a 200 (the file changed, or the server ignores ranges) starts over, a 416 whose
 * {@code Content-Range} says the file is {@code N} bytes long means it was already complete,
 * and any other 416, or a 206 for another position or another validator, fails with a
 * {@link ClientPayloadException} naming it. A 4xx/5xx raises {@link ClientResponseException}
 * (raise-for-status is always on for a download). Not thread-safe; {@link #run()} blocks.
 */
public final class Download {

    private static final Pattern CONTENT_RANGE =
            Pattern.compile("bytes\\s+(?:(\\d+)-(\\d+)|\\*)/(\\d+|\\*)", Pattern.CASE_INSENSITIVE);

    private final RequestBuilder builder;
    private final Path target;
    private boolean resume = true;
    private boolean keepPartial = true;
    private int retries;
    private Duration backoff = Duration.ofMillis(500);
    private @Nullable ProgressListener progress;

    Download(RequestBuilder builder, Path target) {
        this.builder = builder;
        this.target = Objects.requireNonNull(target, "target").toAbsolutePath();
    }

    /** Continues a {@code .part} file an earlier download left (default on); off: always start over. */
    public Download resume(boolean resume) {
        this.resume = resume;
        return this;
    }

    /**
     * Keeps the {@code .part} file when the download fails for good (default on), so that a
     * later one can continue it; off: it is deleted.
     */
    public Download keepPartialOnFailure(boolean keep) {
        this.keepPartial = keep;
        return this;
    }

    /**
     * Continues up to {@code times} more times after the connection drops or stalls mid-body
     * (default 0), waiting {@link #backoff} and then twice as long each time.
     */
    public Download retries(int times) {
        if (times < 0) {
            throw new IllegalArgumentException("retries must not be negative: " + times);
        }
        this.retries = times;
        return this;
    }

    /** Sets the first wait before a retry (default 500 ms); it doubles, up to 30 s. */
    public Download backoff(Duration first) {
        if (first == null || first.isNegative()) {
            throw new IllegalArgumentException("backoff must be zero or positive: " + first);
        }
        this.backoff = first;
        return this;
    }

    /**
     * Reports the bytes on disk, those of an earlier attempt included, against the whole size
     * (-1 while unknown). Called on the downloading thread.
     */
    public Download onProgress(ProgressListener listener) {
        this.progress = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /**
     * Downloads to the target, continuing and retrying as set, and returns its size in bytes.
     *
     * @throws ClientResponseException for a 4xx/5xx answer (a 416 that is not "already complete")
     * @throws ClientPayloadException for a range answer that does not fit the partial file
     * @throws ClientException for a failure after the last retry
     * @throws UncheckedIOException if the file cannot be written
     */
    public long run() {
        Path part = target.resolveSibling(target.getFileName() + ".part");
        Path validatorFile = target.resolveSibling(target.getFileName() + ".part.validator");
        Request base = builder.raiseForStatus(true).build();
        long wait = backoff.toMillis();
        for (int attempt = 0; ; attempt++) {
            try {
                long size = attempt(base, part, validatorFile, resume || attempt > 0);
                moveOnto(part, target);
                Files.deleteIfExists(validatorFile);
                return size;
            } catch (ClientConnectionException | ClientTimeoutException | DroppedBody e) {
                ClientException cause = e instanceof DroppedBody dropped ? dropped.cause : (ClientException) e;
                if (attempt >= retries) {
                    giveUp(part, validatorFile);
                    throw cause;
                }
                sleep(wait);
                wait = Math.min(wait * 2, 30_000);
            } catch (IOException e) {
                giveUp(part, validatorFile);
                throw new UncheckedIOException("downloading " + base.method() + " " + base.url() + " to " + target, e);
            } catch (RuntimeException e) {
                giveUp(part, validatorFile);
                throw e;
            }
        }
    }

    /** One request: returns the size once the part file is whole. */
    private long attempt(Request base, Path part, Path validatorFile, boolean mayResume) throws IOException {
        String validator = mayResume && Files.exists(part) && Files.exists(validatorFile)
                ? Files.readString(validatorFile, StandardCharsets.UTF_8).strip()
                : null;
        long offset = validator != null && !validator.isEmpty() ? Files.size(part) : 0;
        Request request = offset == 0 || validator == null
                ? base
                : base.toBuilder()
                        .header("Range", "bytes=" + offset + "-")
                        .header("If-Range", validator)
                        .build();
        StreamingResponse response;
        try {
            response = builder.stream(request);
        } catch (ClientResponseException e) {
            if (e.status() == 416 && offset > 0 && completeLength(e.headers()) == offset) {
                report(offset, offset); // the earlier attempt had it all
                return offset;
            }
            throw e;
        }
        try (response) {
            boolean append = response.status() == 206;
            long total = append ? checkedRange(response, offset, validator) : length(response);
            if (!append) {
                offset = 0;
                String fresh = validatorOf(response.headers());
                Files.writeString(validatorFile, fresh == null ? "" : fresh, StandardCharsets.UTF_8);
            }
            long size = copy(response.body(), part, append, offset, total);
            if (total >= 0 && size != total) {
                throw new DroppedBody(new ClientPayloadException(
                        request.method() + " " + request.url() + ": the body ended after " + size + " of " + total
                                + " bytes",
                        null));
            }
            return size;
        } catch (UncheckedIOException | IOException e) {
            ClientException cause = causeOf(e);
            if (cause != null) {
                throw new DroppedBody(cause);
            }
            throw e instanceof IOException io ? io : ((UncheckedIOException) e).getCause();
        }
    }

    private long copy(InputStream body, Path part, boolean append, long offset, long total) throws IOException {
        long done = offset;
        byte[] buffer = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(
                part,
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
            report(done, total);
            for (int n; (n = body.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                done += n;
                report(done, total);
            }
        }
        return done;
    }

    /** Checks a 206 against the part file: its start, its validator; returns the whole length. */
    private static long checkedRange(StreamingResponse response, long offset, @Nullable String validator) {
        String range = response.headers().get("Content-Range");
        Matcher matcher = range == null ? null : CONTENT_RANGE.matcher(range.strip());
        String where = response.request().method() + " " + response.url();
        if (matcher == null
                || !matcher.matches()
                || matcher.group(1) == null
                || Long.parseLong(matcher.group(1)) != offset) {
            throw new ClientPayloadException(
                    where + ": asked for the bytes from " + offset + " but the 206 answer holds "
                            + (range == null ? "no Content-Range" : "'" + range + "'"),
                    null);
        }
        String now = validatorOf(response.headers());
        if (now != null && !now.equals(validator)) {
            throw new ClientPayloadException(
                    where + ": the file changed since the partial download " + "(validator " + validator + ", now "
                            + now + ") but the server sent a range of it",
                    null);
        }
        return matcher.group(3).equals("*") ? -1 : Long.parseLong(matcher.group(3));
    }

    /** Returns a validator If-Range may carry: a strong ETag, else Last-Modified, else null. */
    private static @Nullable String validatorOf(Headers headers) {
        String etag = headers.get("ETag");
        if (etag != null && !etag.strip().startsWith("W/")) {
            return etag.strip();
        }
        String modified = headers.get("Last-Modified");
        return modified == null ? null : modified.strip();
    }

    private static long completeLength(Headers headers) {
        String range = headers.get("Content-Range");
        Matcher matcher = range == null ? null : CONTENT_RANGE.matcher(range.strip());
        return matcher != null && matcher.matches() && !matcher.group(3).equals("*")
                ? Long.parseLong(matcher.group(3))
                : -1;
    }

    private static long length(StreamingResponse response) {
        String length = response.headers().get("Content-Length");
        try {
            return length == null ? -1 : Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void report(long done, long total) {
        if (progress != null) {
            progress.onProgress(done, total);
        }
    }

    private void giveUp(Path part, Path validatorFile) {
        if (!keepPartial) {
            try {
                Files.deleteIfExists(part);
                Files.deleteIfExists(validatorFile);
            } catch (IOException ignored) {
                // Leaving a stray part file is better than hiding the download's own failure.
            }
        }
    }

    private static void moveOnto(Path part, Path target) throws IOException {
        try {
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException notHere) {
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Returns the client error under a failed read of the body, if that is what it was. */
    private static @Nullable ClientException causeOf(Exception failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ClientException client) {
                return client;
            }
        }
        return null;
    }

    private static void sleep(long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        for (long left; (left = deadline - System.nanoTime()) > 0; ) {
            LockSupport.parkNanos(left);
            if (Thread.currentThread().isInterrupted()) {
                throw new CancellationException("interrupted while waiting to resume a download");
            }
        }
    }

    /** The body broke off: worth continuing from what is on disk. */
    private static final class DroppedBody extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient ClientException cause;

        DroppedBody(ClientException cause) {
            super(cause.getMessage(), cause, false, false);
            this.cause = cause;
        }
    }
}
