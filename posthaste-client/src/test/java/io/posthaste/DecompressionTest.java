package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.encoder.BrotliOutputStream;
import com.aayushatharva.brotli4j.encoder.Encoder;
import com.github.luben.zstd.ZstdOutputStream;
import io.posthaste.testing.MockResponse;
import io.posthaste.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every coding that loads (gzip, deflate, br, zstd) is advertised and decoded; decompression bombs
 * stop at the limit with bounded memory, alone or chained; corrupt or cut data is an error.
 */
class DecompressionTest {

    static TestServer server;
    static ClientSession session;

    @BeforeAll
    static void start() {
        Brotli4jLoader.ensureAvailability(); // the tests' own br encoder needs the native library
        server = TestServer.start();
        session = ClientSession.builder().maxResponseBodySize(1 << 20).build();
    }

    @AfterAll
    static void stop() {
        session.close();
        server.close();
    }

    private static byte[] zeros(long size, boolean gzip) throws IOException {
        return zeros(size, gzip ? "gzip" : "deflate");
    }

    /** {@code size} zero bytes (rounded up to 64 KiB) compressed with {@code coding}. */
    private static byte[] zeros(long size, String coding) throws IOException {
        byte[] chunk = new byte[1 << 16];
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = compressor(coding, bytes)) {
            for (long done = 0; done < size; done += chunk.length) {
                out.write(chunk);
            }
        }
        return bytes.toByteArray();
    }

    private static byte[] compress(byte[] data, String coding) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = compressor(coding, bytes)) {
            out.write(data);
        }
        return bytes.toByteArray();
    }

    private static OutputStream compressor(String coding, OutputStream sink) throws IOException {
        return switch (coding) {
            case "gzip" -> new GZIPOutputStream(sink);
            case "deflate" -> new DeflaterOutputStream(sink);
            case "br" -> new BrotliOutputStream(sink, new Encoder.Parameters().setQuality(4));
            case "zstd" -> new ZstdOutputStream(sink, 3);
            default -> throw new IllegalArgumentException(coding);
        };
    }

    /** Text that compresses, but not to nothing: every line differs. */
    private static byte[] text(int lines) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            text.append("line ")
                    .append(i)
                    .append(": the quick brown fox ")
                    .append(i * 7919 % 1000)
                    .append('\n');
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static MockResponse encoded(byte[] body, String encoding) {
        return MockResponse.builder()
                .header("Content-Encoding", encoding)
                .body(body)
                .build();
    }

    @Test
    void gzipAndDeflateBombsStopAtTheBufferedLimit() throws IOException {
        server.enqueue(encoded(zeros(200L << 20, true), "gzip"));
        server.enqueue(encoded(zeros(200L << 20, false), "deflate"));
        inSmallHeap(BombsRefused.class, server.url("/bomb.gz"), server.url("/bomb.z"));
    }

    @Test
    void everyCodingThatLoadsIsAdvertisedAndDecoded() throws IOException {
        assertThat(ClientSession.contentCodings()).containsExactly("gzip", "deflate", "br", "zstd");
        byte[] original = text(20_000);
        for (String coding : ClientSession.contentCodings()) {
            server.enqueue(encoded(compress(original, coding), coding));
            Response response = session.get(server.url("/" + coding)).send();
            assertThat(server.takeRequest().header("Accept-Encoding")).isEqualTo("gzip, deflate, br, zstd");
            assertThat(response.bytes()).as(coding).isEqualTo(original);
        }
    }

    @Test
    void brAndZstdArriveInSmallPiecesAndStreamBackIntact() throws IOException {
        byte[] original = text(50_000);
        for (String coding : List.of("br", "zstd")) {
            byte[] compressed = compress(original, coding);
            int[] pieces = new int[compressed.length / 7 + 1];
            java.util.Arrays.fill(pieces, 7);
            server.enqueue(MockResponse.builder()
                    .header("Content-Encoding", coding)
                    .body(compressed)
                    .chunked(pieces)
                    .build());
            try (StreamingResponse response = session.get(server.url("/" + coding)).stream()) {
                assertThat(response.body().readAllBytes()).as(coding).isEqualTo(original);
            }
        }
    }

    @Test
    void brAndZstdBombsStopAtTheBufferedLimitAndWhenStreamed() throws IOException {
        for (String coding : List.of("br", "zstd")) {
            byte[] bomb = zeros(200L << 20, coding);
            server.enqueue(encoded(bomb, coding));
            server.enqueue(encoded(bomb, coding));
            inSmallHeap(BombsRefused.class, server.url("/bomb." + coding));
            try (StreamingResponse response = session.get(server.url("/bomb." + coding)).stream()) {
                assertThatThrownBy(() -> response.body().transferTo(OutputStream.nullOutputStream()))
                        .as(coding)
                        .isInstanceOf(IOException.class)
                        .hasMessageContaining("bomb");
            }
        }
    }

    @Test
    void aBombChainedThroughEveryCodingStopsAtTheLimit() throws IOException {
        byte[] layered = zeros(200L << 20, "gzip");
        for (String coding : List.of("deflate", "br", "zstd")) {
            layered = compress(layered, coding);
        }
        server.enqueue(encoded(layered, "gzip, deflate, br, zstd"));
        assertThatThrownBy(() -> session.get(server.url("/layers")).send())
                .isInstanceOf(ClientPayloadException.class)
                .hasMessageContaining("exceeds the limit");
    }

    @Test
    void corruptOrTruncatedBrAndZstdAreFailuresNotShortBodies() throws IOException {
        for (String coding : List.of("br", "zstd")) {
            byte[] good = compress(text(5_000), coding);
            byte[] corrupt = good.clone();
            for (int i = good.length / 3; i < good.length / 3 + 16; i++) {
                corrupt[i] ^= 0x5a;
            }
            server.enqueue(encoded(corrupt, coding));
            assertThatThrownBy(
                            () -> session.get(server.url("/corrupt." + coding)).send())
                    .as(coding)
                    .isInstanceOf(ClientPayloadException.class);
            server.enqueue(encoded(java.util.Arrays.copyOf(good, good.length / 2), coding));
            assertThatThrownBy(() -> session.get(server.url("/cut." + coding)).send())
                    .as(coding)
                    .isInstanceOf(ClientPayloadException.class)
                    .hasMessageContaining("ended before");
            byte[] trailing = java.util.Arrays.copyOf(good, good.length + 3);
            server.enqueue(encoded(trailing, coding));
            assertThatThrownBy(
                            () -> session.get(server.url("/trailing." + coding)).send())
                    .as(coding)
                    .isInstanceOf(ClientPayloadException.class);
        }
    }

    @Test
    void zstdBodiesMayHoldSeveralFrames() throws IOException {
        byte[] first = text(1_000);
        byte[] second = text(2_000);
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        frames.write(compress(first, "zstd"));
        frames.write(compress(second, "zstd"));
        server.enqueue(encoded(frames.toByteArray(), "zstd"));
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.write(first);
        expected.write(second);
        assertThat(session.get(server.url("/frames")).send().bytes()).isEqualTo(expected.toByteArray());
    }

    @Test
    void zstdFramesAskingForAWindowOverEightMebibytesAreRefused() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZstdOutputStream out = new ZstdOutputStream(bytes, 3)) {
            out.setLong(27);
            out.write(text(400_000));
        }
        server.enqueue(encoded(bytes.toByteArray(), "zstd"));
        assertThatThrownBy(() -> session.get(server.url("/wide")).send())
                .isInstanceOf(ClientPayloadException.class)
                .hasMessageContaining("zstd");
    }

    @Test
    void streamedBombsStopAtAHundredTimesTheCompressedSize() throws IOException {
        server.enqueue(encoded(zeros(200L << 20, true), "gzip"));
        try (StreamingResponse response = session.get(server.url("/bomb.gz")).stream()) {
            assertThatThrownBy(() -> response.body().transferTo(OutputStream.nullOutputStream()))
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void chainedCodingsAreUndoneLastFirstAndLongChainsRefused() throws IOException {
        ByteArrayOutputStream twice = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(twice)) {
            out.write(zeros(1000, false));
        }
        server.enqueue(encoded(twice.toByteArray(), "deflate, gzip"));
        assertThat(session.get(server.url("/twice")).send().bytes()).hasSize(1024 * 64);

        server.enqueue(encoded(new byte[10], "gzip, gzip, gzip, gzip, gzip, gzip"));
        assertThatThrownBy(() -> session.get(server.url("/six")).send())
                .isInstanceOf(ClientPayloadException.class)
                .hasMessageContaining("chained");
    }

    @Test
    void aBombInARedirectsBodyIsNeverDecoded() throws IOException {
        server.enqueue(MockResponse.builder()
                .status(302)
                .header("Location", "/get")
                .header("Content-Encoding", "gzip")
                .body(zeros(200L << 20, true))
                .build());
        inSmallHeap(RedirectFollowed.class, server.url("/redirect-bomb"));
    }

    @Test
    void corruptCompressedDataIsAPayloadError() {
        server.enqueue(encoded(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5}, "gzip"));
        assertThatThrownBy(() -> session.get(server.url("/corrupt")).send()).isInstanceOf(ClientPayloadException.class);
    }

    /**
     * A gzip header whose file name, comment or extra field never ends within the header limit:
     * 32 MiB of it, which no decoded-size limit sees because nothing is ever decoded.
     */
    private static byte[] endlessGzipHeader(String part) {
        byte[] body = new byte[32 << 20];
        Arrays.fill(body, (byte) 'a');
        int flag = switch (part) {
            case "extra field" -> 0x04;
            case "file name" -> 0x08;
            case "comment" -> 0x10;
            default -> throw new IllegalArgumentException(part);
        };
        byte[] header = {0x1f, (byte) 0x8b, 8, (byte) flag, 0, 0, 0, 0, 0, (byte) 255, (byte) 0xff, (byte) 0xff};
        System.arraycopy(header, 0, body, 0, header.length); // an extra field's length: 65535
        return body;
    }

    @ParameterizedTest
    @ValueSource(strings = {"file name", "comment", "extra field"})
    void aGzipHeaderPartThatNeverEndsFailsFastWhenSentAndWhenStreamed(String part) throws IOException {
        byte[] endless = endlessGzipHeader(part);
        server.enqueue(encoded(compress(text(10), "gzip"), "gzip")); // the decoders' classes loaded
        assertThat(session.get(server.url("/warm")).send().bytes()).isEqualTo(text(10));

        server.enqueue(encoded(endless, "gzip"));
        long start = System.nanoTime();
        assertThatThrownBy(() -> session.get(server.url("/endless")).send())
                .isInstanceOf(ClientPayloadException.class)
                .hasMessageContaining("gzip header")
                .hasMessageContaining(part);
        assertThat(millisSince(start)).as("milliseconds to fail when sent").isLessThan(1000);

        server.enqueue(encoded(endless, "gzip"));
        start = System.nanoTime();
        try (StreamingResponse response = session.get(server.url("/endless")).stream()) {
            assertThatThrownBy(() -> response.body().transferTo(OutputStream.nullOutputStream()))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("gzip header")
                    .hasMessageContaining(part);
        }
        assertThat(millisSince(start)).as("milliseconds to fail when streamed").isLessThan(1000);
    }

    @Test
    void everyMemberOfAConcatenatedGzipBodyIsDecodedWhenSentAndWhenStreamed() throws IOException {
        byte[] first = text(3_000);
        byte[] second = text(5_000);
        ByteArrayOutputStream members = new ByteArrayOutputStream(); // what `gzip -c a b` writes
        members.write(compress(first, "gzip"));
        members.write(compress(second, "gzip"));
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.write(first);
        expected.write(second);

        server.enqueue(encoded(members.toByteArray(), "gzip"));
        assertThat(session.get(server.url("/members")).send().bytes()).isEqualTo(expected.toByteArray());
        int[] pieces = new int[members.size() / 11 + 1];
        Arrays.fill(pieces, 11);
        server.enqueue(MockResponse.builder()
                .header("Content-Encoding", "gzip")
                .body(members.toByteArray())
                .chunked(pieces)
                .build());
        try (StreamingResponse response = session.get(server.url("/members")).stream()) {
            assertThat(response.body().readAllBytes()).isEqualTo(expected.toByteArray());
        }
    }

    /** Peers differ here; see {@code GzipDecoder} for which do what, and why this is an error. */
    @Test
    void bytesAfterTheLastGzipMemberAreAPayloadErrorWhenSentAndWhenStreamed() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(compress(text(3_000), "gzip"));
        body.write("<!-- served from cache -->".getBytes(StandardCharsets.US_ASCII));
        server.enqueue(encoded(body.toByteArray(), "gzip"));
        assertThatThrownBy(() -> session.get(server.url("/trailing")).send())
                .isInstanceOf(ClientPayloadException.class)
                .hasMessageContaining("after the gzip member");
        server.enqueue(encoded(body.toByteArray(), "gzip"));
        try (StreamingResponse response = session.get(server.url("/trailing")).stream()) {
            assertThatThrownBy(() -> response.body().transferTo(OutputStream.nullOutputStream()))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("after the gzip member");
        }
    }

    @Test
    void aGzipBodyWhoseTrailerDoesNotMatchIsAPayloadErrorWhenSentAndWhenStreamed() throws IOException {
        byte[] good = compress(text(3_000), "gzip");
        for (int at : new int[] {good.length - 8, good.length - 4}) { // the CRC-32, then the size
            byte[] corrupt = good.clone();
            corrupt[at] ^= 0x01;
            String field = at == good.length - 8 ? "CRC" : "size";
            server.enqueue(encoded(corrupt, "gzip"));
            assertThatThrownBy(() -> session.get(server.url("/bad-trailer")).send())
                    .isInstanceOf(ClientPayloadException.class)
                    .hasMessageContaining(field);
            server.enqueue(encoded(corrupt, "gzip"));
            try (StreamingResponse response = session.get(server.url("/bad-trailer")).stream()) {
                assertThatThrownBy(() -> response.body().transferTo(OutputStream.nullOutputStream()))
                        .isInstanceOf(IOException.class)
                        .hasMessageContaining(field);
            }
        }
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    @Test
    void decompressionCanBeTurnedOff() throws IOException {
        byte[] gz = zeros(1000, true);
        server.enqueue(encoded(gz, "gzip"));
        try (ClientSession raw = ClientSession.builder().decompress(false).build()) {
            Response response = raw.get(server.url("/raw")).send();
            assertThat(response.bytes()).isEqualTo(gz);
        }
    }

    /** Heap and direct memory of the JVM a bomb is sent to: a fraction of the 200 MiB it decodes to. */
    private static final int SMALL_HEAP_MIB = 32;

    private static void inSmallHeap(Class<? extends CappedJvm.Scenario> scenario, String... urls) throws IOException {
        CappedJvm.withHeapMiB(SMALL_HEAP_MIB).run(scenario, urls);
    }

    /** A session like this class's own: buffered bodies capped at 1 MiB. */
    private static ClientSession cappedSession() {
        return ClientSession.builder().maxResponseBodySize(1 << 20).build();
    }

    /** Every URL answers with a bomb: each is refused at the limit. */
    static final class BombsRefused implements CappedJvm.Scenario {
        @Override
        public void run(String... urls) {
            try (ClientSession capped = cappedSession()) {
                for (String url : urls) {
                    assertThat(CappedJvm.assertFailsWith(
                                    ClientPayloadException.class,
                                    () -> capped.get(url).send(),
                                    url))
                            .hasMessageContaining("exceeds the limit");
                }
            }
        }
    }

    /** The URL redirects with a bomb as the 302's body: the redirect is followed, the bomb never opened. */
    static final class RedirectFollowed implements CappedJvm.Scenario {
        @Override
        public void run(String... urls) {
            try (ClientSession capped = cappedSession()) {
                Response response = capped.get(urls[0]).send();
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.history())
                        .singleElement()
                        .satisfies(hop -> assertThat(hop.status()).isEqualTo(302));
            }
        }
    }
}
