package io.posthaste.internal.decode;

import java.io.IOException;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.zip.Checksum;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * One deflate stream (RFC 1951, raw or zlib-wrapped) inflated as its pieces arrive, for
 * {@link GzipDecoder} and {@link DeflateDecoder}. Output is handed on in pieces of at most
 * {@value BodyDecoder#OUTPUT_CHUNK} bytes, each counted against the {@link DecodeLimit} before it
 * goes; every piece of input is used up before {@link #inflate} returns unless the stream ends in
 * it, so nothing is ever held between calls.
 *
 * <p>Not thread-safe. {@link #close()} frees the native inflater.
 */
final class Inflation implements AutoCloseable {

    private final Inflater inflater;
    private final DecodeLimit limit;
    private final Checksum checksum;
    private final String coding;
    private byte[] chunk = new byte[BodyDecoder.OUTPUT_CHUNK];

    /**
     * @param raw whether the stream is raw deflate, else zlib-wrapped (whose Adler-32 zlib checks)
     * @param checksum updated with every decoded byte, or {@code null}
     * @param coding the coding's name, for messages
     */
    Inflation(boolean raw, DecodeLimit limit, Checksum checksum, String coding) {
        this.inflater = new Inflater(raw);
        this.limit = limit;
        this.checksum = checksum;
        this.coding = coding;
    }

    /**
     * Inflates {@code data[off, end)}, passing each output piece to {@code out}.
     *
     * @return {@code end}, or where the deflate stream ended if it ended in this piece
     * @throws IOException on corrupt data, a preset dictionary, or output past the limit
     */
    int inflate(byte[] data, int off, int end, Consumer<byte[]> out) throws IOException {
        inflater.setInput(data, off, end - off);
        try {
            while (!inflater.finished()) {
                int n = inflater.inflate(chunk);
                if (n > 0) {
                    emit(n, out);
                } else if (inflater.needsInput()) {
                    break;
                } else if (inflater.needsDictionary()) {
                    throw new IOException(coding + " data asks for a preset dictionary, which HTTP does not define");
                }
            }
        } catch (DataFormatException e) {
            throw new IOException("corrupt " + coding + " data: " + e.getMessage(), e);
        }
        return end - inflater.getRemaining();
    }

    private void emit(int n, Consumer<byte[]> out) throws IOException {
        limit.decoded(n);
        if (checksum != null) {
            checksum.update(chunk, 0, n);
        }
        if (n < chunk.length) {
            out.accept(Arrays.copyOf(chunk, n));
            return;
        }
        // A full piece is handed on as it is; the receiver may keep it, so the next one is new.
        out.accept(chunk);
        chunk = new byte[BodyDecoder.OUTPUT_CHUNK];
    }

    /** Returns whether the deflate stream has ended. */
    boolean finished() {
        return inflater.finished();
    }

    /** The bytes decoded from this stream (since the last {@link #reset()}). */
    long bytesWritten() {
        return inflater.getBytesWritten();
    }

    /** Readies the inflater for another stream of the same kind. */
    void reset() {
        inflater.reset();
    }

    @Override
    public void close() {
        inflater.end();
    }
}
