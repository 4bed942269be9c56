package io.posthaste.internal.codec;

import java.io.IOException;
import java.util.function.Consumer;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Streaming {@code gzip} / {@code deflate} decoding of a response body, fed piece by piece as it
 * arrives and emitting output in pieces of at most {@value #OUTPUT_CHUNK} bytes, so a small
 * compressed input can never make it allocate a large buffer at once. It stops with an
 * {@link IOException} as soon as the decoded size passes its {@link DecodeLimit} (a
 * decompression bomb). It checks the gzip trailer's CRC, so a corrupt body never passes as a
 * good one.
 *
 * <p>Not thread-safe; used by one exchange at a time. {@link #close()} frees the native inflater.
 */
public final class ContentDecoder implements BodyDecoder {

    /** The largest piece of output handed on at once. */
    public static final int OUTPUT_CHUNK = 16 * 1024;

    private enum State { GZIP_HEADER, BODY, GZIP_TRAILER, DONE }

    private final boolean gzip;
    private final DecodeLimit limit;
    private final Inflater inflater;
    private final CRC32 crc;
    private State state;
    private byte[] pending = new byte[0];
    private boolean deflateFormatKnown;

    private ContentDecoder(boolean gzip, long maxDecodedBytes) {
        this.gzip = gzip;
        this.limit = new DecodeLimit(maxDecodedBytes);
        this.inflater = new Inflater(true);
        this.crc = gzip ? new CRC32() : null;
        this.state = gzip ? State.GZIP_HEADER : State.BODY;
    }

    /** A gzip decoder stopping at {@code maxDecodedBytes} (negative: the streaming ratio). */
    static ContentDecoder gzip(long maxDecodedBytes) {
        return new ContentDecoder(true, maxDecodedBytes);
    }

    /** A deflate (zlib or raw) decoder stopping at {@code maxDecodedBytes}. */
    static ContentDecoder deflate(long maxDecodedBytes) {
        return new ContentDecoder(false, maxDecodedBytes);
    }

    /**
     * Decodes {@code input[offset, offset + length)}, passing each output piece to {@code out}.
     *
     * @throws IOException on corrupt data or when the output passes the limit
     */
    @Override
    public void feed(byte[] input, int offset, int length, Consumer<byte[]> out) throws IOException {
        limit.compressed(length);
        byte[] data = input;
        int off = offset;
        int len = length;
        if (pending.length > 0) {
            data = new byte[pending.length + length];
            System.arraycopy(pending, 0, data, 0, pending.length);
            System.arraycopy(input, offset, data, pending.length, length);
            off = 0;
            len = data.length;
            pending = new byte[0];
        }
        int end = off + len;
        while (off < end && state != State.DONE) {
            switch (state) {
                case GZIP_HEADER -> {
                    int headerLength = gzipHeaderLength(data, off, end - off);
                    if (headerLength < 0) {
                        pending = java.util.Arrays.copyOfRange(data, off, end);
                        return;
                    }
                    off += headerLength;
                    state = State.BODY;
                }
                case BODY -> off = inflate(data, off, end, out);
                case GZIP_TRAILER -> {
                    if (end - off < 8) {
                        pending = java.util.Arrays.copyOfRange(data, off, end);
                        return;
                    }
                    long expectedCrc = readIntLe(data, off) & 0xffffffffL;
                    long expectedSize = readIntLe(data, off + 4) & 0xffffffffL;
                    if (expectedCrc != crc.getValue() || expectedSize != (limit.decodedBytes() & 0xffffffffL)) {
                        throw new IOException("gzip trailer does not match the decoded data");
                    }
                    off += 8;
                    state = State.DONE;
                }
                default -> throw new IllegalStateException(state.name());
            }
        }
    }

    /**
     * Checks that the stream ended where the encoding says it ends.
     *
     * @throws IOException if the body was cut short
     */
    @Override
    public void finish() throws IOException {
        if (state == State.BODY && !gzip && inflater.finished()) {
            return;
        }
        if (state != State.DONE) {
            throw new IOException((gzip ? "gzip" : "deflate") + " body ended before the end of "
                    + "the compressed stream");
        }
    }

    private int inflate(byte[] data, int off, int end, Consumer<byte[]> out) throws IOException {
        if (!gzip && !deflateFormatKnown) {
            if (end - off < 2) {
                pending = java.util.Arrays.copyOfRange(data, off, end);
                return end;
            }
            // RFC 9110 says "deflate" is zlib-wrapped, but some servers send raw deflate.
            int cmf = data[off] & 0xff;
            int flg = data[off + 1] & 0xff;
            boolean zlib = (cmf & 0x0f) == 8 && ((cmf << 8) | flg) % 31 == 0;
            if (zlib) {
                off += 2;
            }
            deflateFormatKnown = true;
        }
        inflater.setInput(data, off, end - off);
        byte[] chunk = new byte[OUTPUT_CHUNK];
        try {
            while (!inflater.finished()) {
                int n = inflater.inflate(chunk);
                if (n == 0) {
                    if (inflater.needsInput() || inflater.needsDictionary()) {
                        break;
                    }
                    continue;
                }
                limit.decoded(n);
                if (crc != null) {
                    crc.update(chunk, 0, n);
                }
                out.accept(n == chunk.length ? chunk : java.util.Arrays.copyOf(chunk, n));
                if (n == chunk.length) {
                    chunk = new byte[OUTPUT_CHUNK];
                }
            }
        } catch (DataFormatException e) {
            throw new IOException("corrupt " + (gzip ? "gzip" : "deflate") + " data: "
                    + e.getMessage(), e);
        }
        int consumedTo = end - inflater.getRemaining();
        if (inflater.finished()) {
            if (gzip) {
                state = State.GZIP_TRAILER;
            } else {
                state = State.DONE;
                // zlib's Adler-32 trailer, if any, is left unread: Inflater has already checked it.
                return end;
            }
        }
        return consumedTo;
    }

    /** Returns the length of a complete gzip header at {@code off}, or -1 if more bytes are needed. */
    private static int gzipHeaderLength(byte[] b, int off, int len) throws IOException {
        if (len < 10) {
            return -1;
        }
        if ((b[off] & 0xff) != 0x1f || (b[off + 1] & 0xff) != 0x8b || b[off + 2] != 8) {
            throw new IOException("not gzip data (bad magic number or method)");
        }
        int flags = b[off + 3] & 0xff;
        int at = 10;
        if ((flags & 0x04) != 0) {
            if (len < at + 2) {
                return -1;
            }
            at += 2 + ((b[off + at] & 0xff) | (b[off + at + 1] & 0xff) << 8);
        }
        for (int flag : new int[] {0x08, 0x10}) {
            if ((flags & flag) != 0) {
                do {
                    if (at >= len) {
                        return -1;
                    }
                } while (b[off + at++] != 0);
            }
        }
        if ((flags & 0x02) != 0) {
            at += 2;
        }
        return at <= len ? at : -1;
    }

    private static int readIntLe(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16
                | (b[off + 3] & 0xff) << 24;
    }

    @Override
    public void close() {
        inflater.end();
    }
}
