package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posthaste.testing.MockResponse;
import io.posthaste.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Decompression bombs stop at the limit, with bounded memory; corrupt data is an error. */
class DecompressionTest {

    static TestServer server;
    static ClientSession session;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        session = ClientSession.builder().maxResponseBodySize(1 << 20).build();
    }

    @AfterAll
    static void stop() {
        session.close();
        server.close();
    }

    private static byte[] zeros(long size, boolean gzip) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DeflaterOutputStream out = gzip ? new GZIPOutputStream(bytes) : new DeflaterOutputStream(bytes)) {
            byte[] chunk = new byte[1 << 16];
            for (long done = 0; done < size; done += chunk.length) {
                out.write(chunk);
            }
        }
        return bytes.toByteArray();
    }

    private static MockResponse encoded(byte[] body, String encoding) {
        return MockResponse.builder().header("Content-Encoding", encoding).body(body).build();
    }

    @Test
    void gzipAndDeflateBombsStopAtTheBufferedLimit() throws IOException {
        server.enqueue(encoded(zeros(200L << 20, true), "gzip"));
        server.enqueue(encoded(zeros(200L << 20, false), "deflate"));
        long before = usedHeap();

        assertThatThrownBy(() -> session.get(server.url("/bomb.gz")).send())
                .isInstanceOf(ClientPayloadException.class).hasMessageContaining("exceeds the limit");
        assertThatThrownBy(() -> session.get(server.url("/bomb.z")).send())
                .isInstanceOf(ClientPayloadException.class).hasMessageContaining("exceeds the limit");
        assertThat(usedHeap() - before).as("heap growth").isLessThan(64L << 20);
    }

    @Test
    void streamedBombsStopAtAHundredTimesTheCompressedSize() throws IOException {
        server.enqueue(encoded(zeros(200L << 20, true), "gzip"));
        try (StreamingResponse response = session.get(server.url("/bomb.gz")).stream()) {
            assertThatThrownBy(() -> response.body().transferTo(java.io.OutputStream.nullOutputStream()))
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
                .isInstanceOf(ClientPayloadException.class).hasMessageContaining("chained");
    }

    @Test
    void corruptCompressedDataIsAPayloadError() {
        server.enqueue(encoded(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5}, "gzip"));
        assertThatThrownBy(() -> session.get(server.url("/corrupt")).send())
                .isInstanceOf(ClientPayloadException.class);
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

    private static long usedHeap() {
        System.gc();
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
