package io.posthaste.internal.decode;

import static io.posthaste.internal.decode.GzipDecodingTest.concat;
import static io.posthaste.internal.decode.GzipDecodingTest.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The deflate decoder on its own: zlib-wrapped and raw streams decode however they are split, the
 * zlib checksum is checked, and data after the stream is an error (but for curl's four-byte
 * allowance after raw deflate).
 */
class DeflateDecodingTest {

    private static final byte[] DATA = text(5_000);

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void zlibAndRawDeflateDecodeWhereverThePiecesSplit(boolean raw) throws IOException {
        byte[] body = deflate(DATA, raw, null);
        for (int split = 0; split <= body.length; split++) {
            ByteArrayOutputStream decoded = new ByteArrayOutputStream();
            try (BodyDecoder decoder = BodyDecoder.forHeader("deflate", 1 << 20)) {
                decoder.feed(body, 0, split, decoded::writeBytes);
                decoder.feed(body, split, body.length - split, decoded::writeBytes);
                decoder.finish();
            }
            assertThat(decoded.toByteArray()).as("split at %d", split).isEqualTo(DATA);
        }
    }

    @Test
    void aZlibStreamWhoseChecksumDoesNotMatchIsAnError() {
        byte[] body = deflate(DATA, false, null);
        body[body.length - 1] ^= 0x01; // the last byte of the Adler-32
        assertThatThrownBy(() -> decode(body))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("corrupt deflate data");
    }

    @Test
    void dataAfterAZlibStreamIsAnError() {
        byte[] body = concat(deflate(DATA, false, null), new byte[] {'x'});
        assertThatThrownBy(() -> decode(body))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("data after the end of the deflate stream");
    }

    @Test
    void rawDeflateMayBeFollowedByFourBytesButNotMore() throws IOException {
        byte[] raw = deflate(DATA, true, null);
        assertThat(decode(concat(raw, new byte[4]))).isEqualTo(DATA);
        assertThatThrownBy(() -> decode(concat(raw, new byte[5])))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("data after the end of the deflate stream");
    }

    @Test
    void aZlibStreamThatAsksForAPresetDictionaryIsAnError() {
        byte[] body = deflate(DATA, false, "a dictionary".getBytes());
        assertThatThrownBy(() -> decode(body))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("preset dictionary");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aStreamCutShortIsAnError(boolean raw) {
        byte[] body = deflate(DATA, raw, null);
        for (int kept : new int[] {0, 1, 2, body.length / 2, body.length - 1}) {
            assertThatThrownBy(() -> decode(Arrays.copyOf(body, kept)))
                    .as("%d bytes", kept)
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("ended before");
        }
    }

    /** Decodes {@code body} fed a byte at a time, then checks its end. */
    private static byte[] decode(byte[] body) throws IOException {
        ByteArrayOutputStream decoded = new ByteArrayOutputStream();
        try (BodyDecoder decoder = BodyDecoder.forHeader("deflate", 1 << 20)) {
            for (int at = 0; at < body.length; at++) {
                decoder.feed(body, at, 1, decoded::writeBytes);
            }
            decoder.finish();
        }
        return decoded.toByteArray();
    }

    private static byte[] deflate(byte[] data, boolean raw, byte[] dictionary) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, raw);
        try {
            if (dictionary != null) {
                deflater.setDictionary(dictionary);
            }
            deflater.setInput(data);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }
}
