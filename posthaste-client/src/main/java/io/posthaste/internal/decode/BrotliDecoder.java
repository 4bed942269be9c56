package io.posthaste.internal.decode;

import com.aayushatharva.brotli4j.decoder.DecoderJNI;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Streaming {@code br} decoding (RFC 7932) through brotli4j's native decoder, fed as the body
 * arrives. Output is handed on in pieces of at most {@value BodyDecoder#OUTPUT_CHUNK} bytes and
 * counted against a {@link DecodeLimit}; the decoder's own memory is bounded by the format's
 * window (16 MiB at most). Only loaded when {@link ContentCodings} found the native library.
 */
final class BrotliDecoder implements BodyDecoder {

    private final DecoderJNI.Wrapper decoder;
    private final DecodeLimit limit;
    private boolean done;

    BrotliDecoder(long maxDecodedBytes) throws IOException {
        this.decoder = new DecoderJNI.Wrapper(OUTPUT_CHUNK);
        this.limit = new DecodeLimit(maxDecodedBytes);
    }

    @Override
    public void feed(byte[] input, int offset, int length, Consumer<byte[]> out) throws IOException {
        limit.compressed(length);
        int at = offset;
        int end = offset + length;
        while (true) {
            switch (decoder.getStatus()) {
                case DONE -> {
                    done = true;
                    emit(out);
                    if (at < end) {
                        throw new IOException("data after the end of the br stream");
                    }
                    return;
                }
                case OK -> decoder.push(0);
                case NEEDS_MORE_OUTPUT -> emit(out);
                case NEEDS_MORE_INPUT -> {
                    emit(out);
                    if (at == end) {
                        return;
                    }
                    ByteBuffer buffer = decoder.getInputBuffer();
                    buffer.clear();
                    int n = Math.min(buffer.remaining(), end - at);
                    buffer.put(input, at, n);
                    at += n;
                    decoder.push(n);
                }
                default -> throw new IOException("corrupt br data");
            }
        }
    }

    private void emit(Consumer<byte[]> out) throws IOException {
        while (decoder.hasOutput()) {
            ByteBuffer decoded = decoder.pull();
            while (decoded.hasRemaining()) {
                byte[] piece = new byte[Math.min(decoded.remaining(), OUTPUT_CHUNK)];
                limit.decoded(piece.length);
                decoded.get(piece);
                out.accept(piece);
            }
        }
    }

    @Override
    public void finish() throws IOException {
        if (!done && decoder.getStatus() != DecoderJNI.Status.DONE) {
            throw new IOException("br body ended before the end of the compressed stream");
        }
    }

    @Override
    public void close() {
        decoder.destroy();
    }
}
