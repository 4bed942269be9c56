package io.posthaste.testing.internal;

import java.util.List;

/**
 * What {@code /sink} measured of a body it did not keep.
 *
 * @param bytes body length in bytes
 * @param sha256 lower-case hex SHA-256 of the whole body
 * @param chunked whether the body was chunked
 * @param chunks number of chunks of a chunked body
 * @param parts the multipart parts, empty when the body was not multipart
 * @param multipartError why the multipart body could not be parsed, or null
 */
public record SinkResult(
        long bytes, String sha256, boolean chunked, long chunks, List<Part> parts, String multipartError) {

    /**
     * One measured multipart part.
     *
     * @param name the {@code name} parameter of its Content-Disposition, or null
     * @param filename the {@code filename} parameter, or null
     * @param contentType its Content-Type, or null
     * @param bytes content length
     * @param sha256 lower-case hex SHA-256 of its content
     */
    public record Part(String name, String filename, String contentType, long bytes, String sha256) {}
}
