package io.posthaste.internal.body;

import io.posthaste.Body;
import io.posthaste.FormBody;
import io.posthaste.Multipart;

/**
 * What a request body is, as far as sending it goes: the one place that knows the concrete body
 * classes. A transport asks the kind once per request and never looks at the body's class.
 */
public enum BodyKind {
    /** No body. */
    NONE,
    /** Bytes in memory (bytes, text, forms): written in one go. */
    IN_MEMORY,
    /** JSON: encoded into a buffer when the request is written, which gives its length. */
    JSON,
    /** A file: zero-copy on a plain connection, read on a blocking thread under TLS. */
    FILE,
    /** A multipart body of in-memory parts and files only: like a file. */
    PARTS_OF_FILES,
    /** A stream, or anything else: read on a blocking thread. */
    STREAM;

    /** Returns the kind of {@code body} ({@code null} for none). */
    public static BodyKind of(Body body) {
        if (body == null) {
            return NONE;
        }
        if (body instanceof ByteArrayBody || body instanceof FormBody) {
            return IN_MEMORY;
        }
        if (body instanceof JsonBody) {
            return JSON;
        }
        if (body instanceof FileBody) {
            return FILE;
        }
        if (body instanceof Multipart multipart) {
            return multipart.parts().stream().allMatch(p -> of(p.content()).isNonBlocking(true))
                    ? PARTS_OF_FILES
                    : STREAM;
        }
        return STREAM;
    }

    /**
     * Returns whether a body of this kind can be written without blocking I/O: files only when
     * they can go zero-copy ({@code zeroCopy}: a plain connection).
     */
    public boolean isNonBlocking(boolean zeroCopy) {
        return switch (this) {
            case NONE, IN_MEMORY, JSON -> true;
            case FILE, PARTS_OF_FILES -> zeroCopy;
            case STREAM -> false;
        };
    }

    /** Returns {@code body} as a file body, for reading it straight from the file, or null. */
    public static FileBody fileOf(Body body) {
        return body instanceof FileBody file ? file : null;
    }

    /**
     * Gives up a body that will never be sent: a one-shot stream is closed, so its source is
     * not left open. Harmless for every other body.
     */
    public static void discard(Body body) {
        if (body instanceof StreamBody stream) {
            stream.discard();
        }
    }
}
