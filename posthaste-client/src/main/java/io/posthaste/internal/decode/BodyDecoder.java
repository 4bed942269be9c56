package io.posthaste.internal.decode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Undoes a response's {@code Content-Encoding}, one coding or a chain of them ({@code gzip, gzip}
 * is decoded twice, last applied first), fed the body piece by piece as it arrives. Output goes on
 * in pieces of at most {@value #OUTPUT_CHUNK} bytes, so a small compressed input never makes a
 * decoder allocate a large buffer at once. Every stage has the same size limit, so a chain cannot
 * multiply a bomb; more than {@value #MAX_CODINGS} codings is refused outright. Corrupt data,
 * data after the end of the compressed stream and output past the limit are {@link IOException}s.
 */
public interface BodyDecoder extends AutoCloseable {

    /** The largest piece of output a decoder hands on at once. */
    int OUTPUT_CHUNK = 16 * 1024;

    /** The most codings a response may chain. */
    int MAX_CODINGS = 5;

    /** Decodes a piece of the body, passing decoded pieces to {@code out}. */
    void feed(byte[] input, int offset, int length, Consumer<byte[]> out) throws IOException;

    /** Checks that the body ended where its encoding ends. */
    void finish() throws IOException;

    @Override
    void close();

    /**
     * Returns a decoder for a {@code Content-Encoding} value, or {@code null} when there is
     * nothing to decode or a coding is unknown (the body is then passed on as it came).
     *
     * @throws IOException for more than {@value #MAX_CODINGS} codings
     */
    static BodyDecoder forHeader(String contentEncoding, long maxDecodedBytes) throws IOException {
        List<String> codings = new ArrayList<>(2);
        for (String token : contentEncoding.split(",")) {
            String coding = token.trim().toLowerCase(Locale.ROOT);
            if (!coding.isEmpty() && !coding.equals("identity")) {
                if (!ContentCodings.supports(coding)) {
                    return null;
                }
                codings.add(coding);
            }
        }
        if (codings.size() > MAX_CODINGS) {
            throw new IOException("more than " + MAX_CODINGS + " chained content codings");
        }
        if (codings.isEmpty()) {
            return null;
        }
        if (codings.size() == 1) {
            return ContentCodings.decoder(codings.get(0), maxDecodedBytes);
        }
        List<BodyDecoder> stages = new ArrayList<>(codings.size());
        try {
            for (int i = codings.size() - 1; i >= 0; i--) {
                stages.add(ContentCodings.decoder(codings.get(i), maxDecodedBytes));
            }
        } catch (IOException | RuntimeException e) {
            stages.forEach(BodyDecoder::close);
            throw e;
        }
        return new Chain(stages);
    }

    /** Decoders run one into the next: the last coding applied is undone first. */
    final class Chain implements BodyDecoder {
        private final List<BodyDecoder> stages;

        Chain(List<BodyDecoder> stages) {
            this.stages = stages;
        }

        @Override
        public void feed(byte[] input, int offset, int length, Consumer<byte[]> out) throws IOException {
            try {
                feed(0, input, offset, length, out);
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }

        private void feed(int stage, byte[] input, int offset, int length, Consumer<byte[]> out) throws IOException {
            if (stage == stages.size() - 1) {
                stages.get(stage).feed(input, offset, length, out);
                return;
            }
            stages.get(stage).feed(input, offset, length, piece -> {
                try {
                    feed(stage + 1, piece, 0, piece.length, out);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }

        @Override
        public void finish() throws IOException {
            for (BodyDecoder stage : stages) {
                stage.finish();
            }
        }

        @Override
        public void close() {
            stages.forEach(BodyDecoder::close);
        }
    }
}
