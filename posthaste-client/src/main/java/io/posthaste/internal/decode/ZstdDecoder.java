package io.posthaste.internal.decode;

import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Streaming {@code zstd} decoding (RFC 8878) through zstd-jni, fed as the body arrives; a body may
 * hold several frames. The window is capped at {@value #MAX_WINDOW_LOG} bits (8 MiB, the most
 * RFC 9659 lets an HTTP sender use), so a hostile frame cannot make the decoder reserve more, and
 * output is counted against a {@link DecodeLimit}. Only loaded when {@link ContentCodings} found
 * the native library.
 */
final class ZstdDecoder implements BodyDecoder {

    /** log2 of the largest window accepted. */
    static final int MAX_WINDOW_LOG = 23;

    private final ZstdDecompressCtx context = new ZstdDecompressCtx().setLongMax(MAX_WINDOW_LOG);
    private final ByteBuffer in = ByteBuffer.allocateDirect(OUTPUT_CHUNK);
    private final ByteBuffer decoded = ByteBuffer.allocateDirect(OUTPUT_CHUNK);
    private final DecodeLimit limit;
    /** Whether the input so far ends exactly at the end of a frame. */
    private boolean atFrameEnd;

    ZstdDecoder(long maxDecodedBytes) {
        this.limit = new DecodeLimit(maxDecodedBytes);
    }

    @Override
    public void feed(byte[] input, int offset, int length, Consumer<byte[]> out) throws IOException {
        limit.compressed(length);
        int at = offset;
        int end = offset + length;
        try {
            while (at < end) {
                in.clear();
                int n = Math.min(in.remaining(), end - at);
                in.put(input, at, n).flip();
                at += n;
                boolean full;
                // Keep calling while there is input, or while the last call filled the output
                // buffer (the decoder may hold more it could not hand over).
                do {
                    decoded.clear();
                    int before = in.position();
                    boolean frameEnded = context.decompressDirectByteBufferStream(decoded, in);
                    decoded.flip();
                    // A call that moved nothing reports on the next frame, not the last one.
                    if (in.position() != before || decoded.hasRemaining()) {
                        atFrameEnd = frameEnded;
                    }
                    full = decoded.limit() == decoded.capacity();
                    if (decoded.hasRemaining()) {
                        byte[] piece = new byte[decoded.remaining()];
                        limit.decoded(piece.length);
                        decoded.get(piece);
                        out.accept(piece);
                    }
                } while (in.hasRemaining() || full);
            }
        } catch (ZstdException e) {
            throw new IOException("corrupt zstd data: " + e.getMessage(), e);
        }
    }

    @Override
    public void finish() throws IOException {
        if (!atFrameEnd) {
            throw new IOException("zstd body ended before the end of the compressed stream");
        }
    }

    @Override
    public void close() {
        context.close();
    }
}
