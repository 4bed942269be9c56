package io.posthaste;

import io.posthaste.internal.body.ByteArrayBody;
import io.posthaste.internal.body.FileBody;
import io.posthaste.internal.body.PublisherBody;
import io.posthaste.internal.body.StreamBody;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A request body: its media type, its length when known, and the bytes themselves.
 *
 * <p>Bodies from the factories here are immutable. Those whose source can be read again (bytes,
 * strings, files, forms, multipart bodies made of those, suppliers of streams) are
 * {@linkplain #isReplayable() replayable}, so a retry or a 307/308 redirect can send them again; a
 * body over a single {@link InputStream} or a {@link Flow.Publisher} is one-shot. A body with a known length is sent with an
 * exact {@code Content-Length}; one whose length is {@code -1} is sent with
 * {@code Transfer-Encoding: chunked}. JSON bodies ({@link RequestBuilder#json(Object)}) are the one
 * exception: they are encoded just before sending and always go out with an exact length.
 *
 * <p>Implement this interface for a body the factories do not cover; Posthaste calls
 * {@link #writeTo(OutputStream)} on a thread of its own, never on an event loop.
 *
 * {@snippet :
 * session.post(url).body(Body.of(Path.of("photo.jpg"))).send();      // streamed, zero-copy on plain HTTP
 * session.put(url).body(Body.of("hello", MediaType.parse("text/plain"))).send();
 * }
 */
public interface Body {

    /** Returns the media type to send as {@code Content-Type}, or {@code null} for none. */
    @Nullable
    MediaType contentType();

    /** Returns the length in bytes, or {@code -1} if it is not known before writing. */
    long contentLength();

    /** Returns whether {@link #writeTo(OutputStream)} may be called more than once. */
    boolean isReplayable();

    /**
     * Writes the whole body to {@code out}; does not close {@code out}. A body with a known
     * {@link #contentLength()} must write exactly that many bytes.
     *
     * @param out where the bytes go
     * @throws IOException if the source cannot be read or {@code out} fails
     */
    void writeTo(OutputStream out) throws IOException;

    /**
     * Returns a body of {@code bytes} with type {@code application/octet-stream}. The array is
     * not copied (as with the JDK's {@code BodyPublishers.ofByteArray}): do not change it while
     * the request may still be sent or retried.
     */
    static Body of(byte[] bytes) {
        return of(bytes, MediaType.OCTET_STREAM);
    }

    /**
     * Returns a body of {@code bytes} with the given type, or none if {@code null}. The array is
     * not copied: do not change it while the request may still be sent or retried.
     */
    static Body of(byte[] bytes, @Nullable MediaType contentType) {
        Objects.requireNonNull(bytes, "bytes");
        return new ByteArrayBody(bytes, contentType);
    }

    /** Returns a body of {@code text} in UTF-8 with type {@code text/plain; charset=utf-8}. */
    static Body of(String text) {
        return of(text, MediaType.TEXT_PLAIN_UTF8);
    }

    /**
     * Returns a body of {@code text}, encoded in the type's charset (UTF-8 when it names none); a
     * {@code null} type sends the UTF-8 bytes without a {@code Content-Type}.
     */
    static Body of(String text, @Nullable MediaType contentType) {
        Objects.requireNonNull(text, "text");
        var charset = contentType == null
                ? StandardCharsets.UTF_8
                : contentType.charset().orElse(StandardCharsets.UTF_8);
        return new ByteArrayBody(text.getBytes(charset), contentType);
    }

    /**
     * Returns a replayable body streamed from {@code file}, its type guessed from the file name's
     * extension. The file is checked and its length taken now; a file that changes size before it
     * is sent fails the request rather than sending a wrong length.
     *
     * @throws InvalidRequestException naming the absolute path if the file is missing, is not a
     *     regular file (a directory, a device...) or cannot be read
     */
    static Body of(Path file) {
        return FileBody.of(file, null);
    }

    /** Returns a replayable body streamed from {@code file} with the given type, checked as {@link #of(Path)}. */
    static Body of(Path file, MediaType contentType) {
        return FileBody.of(file, Objects.requireNonNull(contentType, "contentType"));
    }

    /**
     * Returns a one-shot body read from {@code stream} and sent chunked; the stream is closed
     * when the body has been sent or the request fails.
     *
     * @param contentType the type, or {@code null} for none
     */
    static Body of(InputStream stream, @Nullable MediaType contentType) {
        Objects.requireNonNull(stream, "stream");
        return StreamBody.oneShot(stream, -1, contentType);
    }

    /**
     * Returns a one-shot body taken from {@code publisher}, which is subscribed to when the body
     * is sent. Buffers are requested one at a time, only as fast as the connection takes them, and
     * each is copied out before the next is requested. The publisher's {@code onError} fails the
     * request with a {@link ClientPayloadException} whose cause is that error; a request that ends
     * first (a timeout, an early answer, a cancel) cancels the subscription. Being one-shot, it is
     * not retried once sending began, and a 307/308 redirect that would replay it fails.
     *
     * {@snippet :
     * Flux<ByteBuffer> chunks = ...;                    // Reactor: JdkFlowAdapter.publisherToFlowPublisher
     * session.put(url).body(Body.fromPublisher(JdkFlowAdapter.publisherToFlowPublisher(chunks), -1,
     *         MediaType.OCTET_STREAM)).send();
     * }
     *
     * @param length the exact length the buffers add up to (sent as {@code Content-Length}; a
     *     publisher that sends more or less fails the request), or {@code -1} for unknown (sent
     *     chunked on HTTP/1.1, as DATA frames up to END_STREAM on HTTP/2)
     * @param contentType the type, or {@code null} for none
     */
    static Body fromPublisher(
            Flow.Publisher<? extends ByteBuffer> publisher, long length, @Nullable MediaType contentType) {
        Objects.requireNonNull(publisher, "publisher");
        if (length < -1) {
            throw new IllegalArgumentException("length must be -1 (unknown) or >= 0: " + length);
        }
        return new PublisherBody(publisher, length, contentType);
    }

    /**
     * Returns a replayable body that opens a fresh stream from {@code streams} for each attempt.
     *
     * @param length the exact length, or {@code -1} to send chunked
     * @param contentType the type, or {@code null} for none
     */
    static Body of(Supplier<? extends InputStream> streams, long length, @Nullable MediaType contentType) {
        Objects.requireNonNull(streams, "streams");
        if (length < -1) {
            throw new IllegalArgumentException("length must be -1 (unknown) or >= 0: " + length);
        }
        return StreamBody.replayable(streams, length, contentType);
    }
}
