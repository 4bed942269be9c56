package io.posthaste.internal.codec;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * Streaming {@code deflate} decoding, fed the body piece by piece as it arrives. RFC 9110 says
 * {@code deflate} is the zlib format (RFC 1950), but some servers send raw deflate (RFC 1951); the
 * first two bytes tell which. Decoded bytes count against a {@link DecodeLimit}.
 *
 * <p>Not thread-safe; used by one exchange at a time. {@link #close()} frees the native inflater.
 */
final class DeflateDecoder implements BodyDecoder {

    private final DecodeLimit limit;
    /** The first two bytes, held until both are in: they tell zlib from raw deflate. */
    private final byte[] start = new byte[2];
    private int startFilled;
    private Inflation inflation;

    /** A decoder stopping at {@code maxDecodedBytes} (negative: the streaming ratio). */
    DeflateDecoder(long maxDecodedBytes) {
        this.limit = new DecodeLimit(maxDecodedBytes);
    }

    @Override
    public void feed(byte[] input, int offset, int length, Consumer<byte[]> out) throws IOException {
        limit.compressed(length);
        int at = offset;
        int end = offset + length;
        if (inflation == null) {
            int n = Math.min(start.length - startFilled, length);
            System.arraycopy(input, at, start, startFilled, n);
            at += n;
            startFilled += n;
            if (startFilled < start.length) {
                return;
            }
            inflation = new Inflation(true, limit, null, "deflate");
            int cmf = start[0] & 0xff;
            int flg = start[1] & 0xff;
            if ((cmf & 0x0f) != 8 || ((cmf << 8) | flg) % 31 != 0) {
                inflation.inflate(start, 0, start.length, out); // raw: the two bytes are data
            }
        }
        // zlib's Adler-32 trailer, like anything else after the stream, is left unread.
        if (at < end && !inflation.finished()) {
            inflation.inflate(input, at, end, out);
        }
    }

    /**
     * Checks that the body ended where the deflate stream ends.
     *
     * @throws IOException if the body was cut short
     */
    @Override
    public void finish() throws IOException {
        if (inflation == null || !inflation.finished()) {
            throw new IOException("deflate body ended before the end of the compressed stream");
        }
    }

    @Override
    public void close() {
        if (inflation != null) {
            inflation.close();
        }
    }
}
