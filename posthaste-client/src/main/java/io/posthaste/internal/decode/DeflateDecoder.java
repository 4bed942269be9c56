package io.posthaste.internal.decode;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * Streaming {@code deflate} decoding, fed the body piece by piece as it arrives. RFC 9110 says
 * {@code deflate} is the zlib format (RFC 1950), but some servers send raw deflate (RFC 1951); the
 * first two bytes tell which, as they do for curl and aiohttp. Decoded bytes count against a
 * {@link DecodeLimit}, and zlib's Adler-32 trailer is checked, so a corrupt body never passes as a
 * good one.
 *
 * <p>Data after the stream is an error, as it is after a gzip, br or zstd stream here, with one
 * allowance taken from curl: up to {@value #RAW_TRAILER_ALLOWANCE} bytes may follow raw deflate,
 * for servers that strip zlib's header but leave its checksum on.
 *
 * <p>Not thread-safe; used by one exchange at a time. {@link #close()} frees the native inflater.
 */
final class DeflateDecoder implements BodyDecoder {

    /** Bytes that may follow a raw deflate stream unread. */
    private static final int RAW_TRAILER_ALLOWANCE = 4;

    private final DecodeLimit limit;
    /** The first two bytes, held until both are in: they tell zlib from raw deflate. */
    private final byte[] start = new byte[2];

    private int startFilled;
    private Inflation inflation;
    private int allowedAfterEnd;
    private long afterEnd;

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
            boolean zlib = isZlibHeader(start[0] & 0xff, start[1] & 0xff);
            inflation = new Inflation(!zlib, limit, null, "deflate");
            allowedAfterEnd = zlib ? 0 : RAW_TRAILER_ALLOWANCE;
            countAfterEnd(start.length - inflation.inflate(start, 0, start.length, out));
        }
        if (at < end && !inflation.finished()) {
            at = inflation.inflate(input, at, end, out);
        }
        countAfterEnd(end - at);
    }

    /** A zlib header: method 8, a window of at most 32 KiB, and a check that divides by 31. */
    private static boolean isZlibHeader(int cmf, int flg) {
        return (cmf & 0x0f) == 8 && (cmf >>> 4) <= 7 && ((cmf << 8) | flg) % 31 == 0;
    }

    private void countAfterEnd(int bytes) throws IOException {
        afterEnd += bytes;
        if (afterEnd > allowedAfterEnd) {
            throw new IOException("data after the end of the deflate stream");
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
