package io.posthaste.internal.decode;

import java.io.IOException;

/**
 * Counts what a decoder takes in and gives out, and stops it at its limit: a fixed number of
 * decoded bytes for a buffered body, or for a streamed one (no fixed limit) {@value #MAX_RATIO}
 * decoded bytes per compressed byte once the first {@value #RATIO_GRACE} bytes are out. Shared by
 * every coding so a bomb is caught the same way whatever compressed it.
 */
final class DecodeLimit {

    /** The most decoded bytes per compressed byte of a streamed body. */
    static final int MAX_RATIO = 100;

    /** Decoded bytes allowed before the ratio applies. */
    static final int RATIO_GRACE = 1024 * 1024;

    private final long maxDecodedBytes;
    private long compressed;
    private long decoded;

    /** A limit of {@code maxDecodedBytes}, or the ratio when it is negative. */
    DecodeLimit(long maxDecodedBytes) {
        this.maxDecodedBytes = maxDecodedBytes;
    }

    void compressed(int bytes) {
        compressed += bytes;
    }

    /** Counts {@code bytes} more decoded bytes, failing if that passes the limit. */
    void decoded(int bytes) throws IOException {
        decoded += bytes;
        if (maxDecodedBytes >= 0 && decoded > maxDecodedBytes) {
            throw new IOException("decompressed body exceeds the limit of " + maxDecodedBytes + " bytes");
        }
        if (maxDecodedBytes < 0 && decoded > RATIO_GRACE && decoded > MAX_RATIO * compressed) {
            throw new IOException(
                    "decompressed body grew past " + MAX_RATIO + " times its compressed size (a decompression bomb)");
        }
    }

    long decodedBytes() {
        return decoded;
    }
}
