package io.posthaste;

import io.posthaste.internal.body.BodySink;
import io.posthaste.internal.body.ByteArrayBody;
import io.posthaste.internal.body.FileBody;
import io.posthaste.internal.body.MultipartEncoding;
import io.posthaste.internal.body.StreamBody;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A {@code multipart/form-data} body (RFC 7578): text fields and files, each part with its own
 * headers. The boundary is 128 random bits from {@link java.security.SecureRandom}. Names and file
 * names are quoted, with {@code "} written as {@code %22} and {@code \} as {@code \\}; a CR, LF or
 * NUL in any of them is rejected. Files are streamed from disk when sent, never loaded into memory,
 * and the body has an exact length unless a part's length is unknown. Replayable when every part is.
 *
 * {@snippet :
 * Multipart body = Multipart.builder()
 *         .field("title", "Quarterly report")
 *         .file("upload_file", Path.of("report.pdf"))            // application/pdf, guessed
 *         .file("notes", "notes.txt", "hello".getBytes(), MediaType.parse("text/plain"))
 *         .build();
 * session.post(url).multipart(body).send();
 * }
 */
public final class Multipart implements Body {

    /**
     * One part: its name, an optional file name, its headers ({@code Content-Disposition} and
     * {@code Content-Type} are derived, others are added as given) and its content.
     *
     * @param name the field name
     * @param filename the file name, or {@code null} for a plain field
     * @param headers extra part headers (never {@code Content-Disposition})
     * @param content the part's bytes and type
     */
    public record Part(String name, @Nullable String filename, Headers headers, Body content) {
        /** Validates the part. */
        public Part {
            MultipartEncoding.checkParameter("part name", name);
            if (filename != null) {
                MultipartEncoding.checkParameter("file name", filename);
            }
            Objects.requireNonNull(headers, "headers");
            Objects.requireNonNull(content, "content");
            if (headers.contains("Content-Disposition")) {
                throw new IllegalArgumentException(
                        "Content-Disposition is derived from the part's " + "name and file name; do not set it");
            }
        }
    }

    private final String boundary;
    private final List<Part> parts;
    private final List<Object> segments;
    private final long length;
    private final MediaType contentType;

    private Multipart(String boundary, List<Part> parts) {
        this.boundary = boundary;
        this.parts = List.copyOf(parts);
        this.segments = MultipartEncoding.segments(boundary, this.parts);
        this.length = MultipartEncoding.length(segments);
        this.contentType = MediaType.parse("multipart/form-data; boundary=" + boundary);
    }

    /** Returns an empty builder with a fresh random boundary. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the boundary between parts. */
    public String boundary() {
        return boundary;
    }

    /** Returns the parts in order. */
    public List<Part> parts() {
        return parts;
    }

    @Override
    public MediaType contentType() {
        return contentType;
    }

    @Override
    public long contentLength() {
        return length;
    }

    @Override
    public boolean isReplayable() {
        return parts.stream().allMatch(p -> p.content().isReplayable());
    }

    /**
     * Writes every part. Posthaste's own transport receives file parts as files, so it can send
     * them zero-copy; any other stream gets their bytes.
     */
    @Override
    public void writeTo(OutputStream out) throws IOException {
        BodySink sink = out instanceof BodySink s ? s : null;
        for (Object segment : segments) {
            if (segment instanceof byte[] bytes) {
                out.write(bytes);
            } else if (sink != null) {
                sink.writeBody((Body) segment);
            } else {
                ((Body) segment).writeTo(out);
            }
        }
    }

    /** Collects parts for a {@link Multipart}; not thread-safe. */
    public static final class Builder {
        private final List<Part> parts = new ArrayList<>();
        private String boundary = MultipartEncoding.newBoundary();

        private Builder() {}

        /** Adds a text field, sent as UTF-8 without a {@code Content-Type}. */
        public Builder field(String name, String value) {
            Objects.requireNonNull(value, () -> "value of field " + name);
            return part(new Part(
                    name, null, Headers.empty(), new ByteArrayBody(value.getBytes(StandardCharsets.UTF_8), null)));
        }

        /**
         * Adds a file part named after the file, its type guessed from the extension. The file is
         * checked and its length taken now; its bytes are read when the body is sent.
         *
         * @throws InvalidRequestException naming the absolute path if the file is missing, is not
         *     a regular file or cannot be read
         */
        public Builder file(String name, Path file) {
            return file(name, file, null);
        }

        /**
         * Adds a file part named after the file with the given type ({@code null}: guess), checked
         * as {@link #file(String, Path)} is.
         */
        public Builder file(String name, Path file, @Nullable MediaType contentType) {
            return file(name, file, contentType, null);
        }

        /**
         * Adds a file part for a request being built, whose method and URL a failure names
         * ({@code request} null: a body made before its request).
         */
        Builder file(String name, Path file, @Nullable MediaType contentType, @Nullable Supplier<String> request) {
            FileBody body = FileBody.of(file, contentType, request);
            return part(new Part(name, file.getFileName().toString(), Headers.empty(), body));
        }

        /** Adds a file part from bytes (copied) with the given type ({@code null}: guessed from the file name). */
        public Builder file(String name, String filename, byte[] content, @Nullable MediaType contentType) {
            Objects.requireNonNull(content, "content");
            return part(new Part(
                    name,
                    filename,
                    Headers.empty(),
                    new ByteArrayBody(
                            content.clone(),
                            contentType != null ? contentType : io.posthaste.internal.body.MimeTypes.guess(filename))));
        }

        /**
         * Adds a one-shot file part read from {@code stream} (closed once sent) with the given type
         * ({@code null}: guessed from the file name); the whole body is then sent chunked, since its
         * length is unknown.
         */
        public Builder file(String name, String filename, InputStream stream, @Nullable MediaType contentType) {
            Objects.requireNonNull(stream, "stream");
            return part(new Part(
                    name,
                    filename,
                    Headers.empty(),
                    StreamBody.oneShot(
                            stream,
                            -1,
                            contentType != null ? contentType : io.posthaste.internal.body.MimeTypes.guess(filename))));
        }

        /** Adds a part built by hand. */
        public Builder part(Part part) {
            parts.add(Objects.requireNonNull(part, "part"));
            return this;
        }

        /**
         * Replaces the random boundary; meant for tests that need reproducible bytes.
         *
         * @throws IllegalArgumentException if it is not 1-70 boundary characters (RFC 2046)
         */
        public Builder boundary(String boundary) {
            this.boundary = MultipartEncoding.checkBoundary(boundary);
            return this;
        }

        /** Returns whether no part has been added. */
        public boolean isEmpty() {
            return parts.isEmpty();
        }

        /** Returns the multipart body. */
        public Multipart build() {
            return new Multipart(boundary, parts);
        }
    }
}
