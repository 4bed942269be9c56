package io.posthaste.internal.decode;

import java.io.IOException;
import java.util.function.Consumer;
import java.util.zip.CRC32;

/**
 * Streaming {@code gzip} decoding (RFC 1952), fed the body piece by piece as it arrives. Every
 * byte is looked at once, and none is kept between pieces but those of a fixed-size field not yet
 * complete (at most ten): the header's variable parts are skipped as they come and bounded by
 * {@link GzipHeader#MAX_BYTES}, so a header that never ends costs neither memory nor time.
 * Decoded bytes count against a {@link DecodeLimit}; each member's CRC-32 and size are checked
 * against its trailer, so a corrupt body never passes as a good one.
 *
 * <p><b>Members.</b> A body may hold several members, as {@code gzip -c a b} writes (RFC 1952
 * §2.2), and all are decoded, one after the other. After a member only another member may follow:
 * anything else, zero padding included, is an error, as it is for Go's net/http, Python's
 * {@code gzip} module (which alone skips zero padding), curl and OkHttp (which refuse even a second
 * member), and as data after a {@code br} or {@code zstd} stream is here. Others let it pass:
 * aiohttp, through Python's {@code zlib}, decodes the first member and drops the rest unread;
 * the JDK's {@code GZIPInputStream} and urllib3 decode the members and drop whatever follows.
 * Bytes that decode to nothing are refused rather than dropped because a body cut in the wrong
 * place or a connection out of step with its responses would otherwise look complete.
 *
 * <p>Not thread-safe; used by one exchange at a time. {@link #close()} frees the native inflater.
 */
final class GzipDecoder implements BodyDecoder {

    private static final int TRAILER_LENGTH = 8;

    private enum State {
        HEADER,
        BODY,
        TRAILER,
        MEMBER_END
    }

    private final DecodeLimit limit;
    private final GzipHeader header = new GzipHeader();
    private final CRC32 crc = new CRC32();
    private final Inflation inflation;
    private final byte[] trailer = new byte[TRAILER_LENGTH];
    private int trailerFilled;
    private State state = State.HEADER;

    /** A decoder stopping at {@code maxDecodedBytes} (negative: the streaming ratio). */
    GzipDecoder(long maxDecodedBytes) {
        this.limit = new DecodeLimit(maxDecodedBytes);
        this.inflation = new Inflation(true, limit, crc, "gzip");
    }

    @Override
    public void feed(byte[] input, int offset, int length, Consumer<byte[]> out) throws IOException {
        limit.compressed(length);
        int at = offset;
        int end = offset + length;
        while (at < end) {
            switch (state) {
                case HEADER -> {
                    at = header.read(input, at, end);
                    if (header.complete()) {
                        state = State.BODY;
                    }
                }
                case BODY -> {
                    at = inflation.inflate(input, at, end, out);
                    if (inflation.finished()) {
                        state = State.TRAILER;
                    }
                }
                case TRAILER -> {
                    int n = Math.min(TRAILER_LENGTH - trailerFilled, end - at);
                    System.arraycopy(input, at, trailer, trailerFilled, n);
                    at += n;
                    trailerFilled += n;
                    if (trailerFilled == TRAILER_LENGTH) {
                        checkTrailer();
                        state = State.MEMBER_END;
                    }
                }
                case MEMBER_END -> startNextMember();
            }
        }
    }

    /** More bytes after a member: they must be the next member's header. */
    private void startNextMember() {
        header.start(true);
        inflation.reset();
        crc.reset();
        trailerFilled = 0;
        state = State.HEADER;
    }

    private void checkTrailer() throws IOException {
        long expectedCrc = readIntLe(trailer, 0) & 0xffffffffL;
        long expectedSize = readIntLe(trailer, 4) & 0xffffffffL;
        if (expectedCrc != crc.getValue()) {
            throw new IOException("gzip trailer's CRC-32 does not match the decoded data (a corrupt body)");
        }
        // ISIZE is the member's decoded size modulo 2^32.
        if (expectedSize != (inflation.bytesWritten() & 0xffffffffL)) {
            throw new IOException("gzip trailer's size does not match the decoded data (a corrupt body)");
        }
    }

    /**
     * Checks that the body ended just after a member's trailer.
     *
     * @throws IOException if it ended anywhere else
     */
    @Override
    public void finish() throws IOException {
        if (state != State.MEMBER_END) {
            throw new IOException("gzip body ended before the end of the compressed stream");
        }
    }

    private static int readIntLe(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }

    @Override
    public void close() {
        inflation.close();
    }
}
