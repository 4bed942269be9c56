package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;

import io.posthaste.testing.MockResponse;
import io.posthaste.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/**
 * A buffered read of a body over {@code maxResponseBodySize} is a {@link ClientPayloadException}
 * and never an {@link OutOfMemoryError}, however large the body (security checklist B17): a
 * gibibyte, sixteen times the client's whole heap, with a Content-Length, chunked, or gzip
 * that decodes past the cap, through {@code send()} and {@code sendAsync()}.
 *
 * <p>The heap is eight times the cap: a body read up to the cap grows by doubling, so near the
 * cap the old and the new array live side by side, and the serial collector wants room for
 * both in its old generation (measured on JDK 17 and 25: 32 MiB suffices for this cap, 24 does
 * not; with the cap lifted, 64 MiB runs out).
 */
class OversizedBodyTest {

    private static final int CAP = 8 << 20;
    private static final int BLOCK = 64 * 1024;
    /** Blocks in a gibibyte. */
    private static final int BLOCKS = 1 << 14;

    @Test
    void aGibibyteOverTheCapIsAPayloadErrorInA64MebibyteHeap() throws IOException {
        try (TestServer server = TestServer.start()) {
            for (MockResponse answer : new MockResponse[] {withLength(), chunked(), gzipPastTheCap()}) {
                server.enqueue(answer); // for send()
                server.enqueue(answer); // for sendAsync()
            }
            CappedJvm.withHeapMiB(64)
                    .run(ReadsOverTheCap.class, server.url("/length"), server.url("/chunked"), server.url("/gzip"));
            assertThat(server.requestCount()).isEqualTo(6);
        }
    }

    /** 1 GiB of zeros after {@code Content-Length: 1073741824}. */
    private static MockResponse withLength() {
        return MockResponse.builder()
                .raw(ascii("HTTP/1.1 200 OK\r\nContent-Length: " + (long) BLOCK * BLOCKS + "\r\n\r\n"))
                .rawRepeated(new byte[BLOCK], BLOCKS)
                .build();
    }

    /** 1 GiB of zeros in 64 KiB chunks; the client stops long before the last one. */
    private static MockResponse chunked() {
        ByteArrayOutputStream chunk = new ByteArrayOutputStream();
        chunk.writeBytes(ascii(Integer.toHexString(BLOCK) + "\r\n"));
        chunk.writeBytes(new byte[BLOCK]);
        chunk.writeBytes(ascii("\r\n"));
        return MockResponse.builder()
                .raw(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"))
                .rawRepeated(chunk.toByteArray(), BLOCKS)
                .build();
    }

    /**
     * A gzip body that decodes to 1 GiB of digits, compressed about 2.4 to 1, so that the cap
     * rather than a bomb ratio stops it. One 64 KiB block is deflated on its own and flushed
     * to a byte boundary, so its back-references never reach before it, and repeated: each copy
     * decodes to the same block. The stream has no final block and no trailer; the client stops
     * at the cap, long before it would miss them.
     */
    private static MockResponse gzipPastTheCap() {
        byte[] digits = new byte[BLOCK];
        Random random = new Random(17);
        for (int i = 0; i < digits.length; i++) {
            digits[i] = (byte) ('0' + random.nextInt(10));
        }
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        deflater.setInput(digits);
        byte[] buffer = new byte[2 * BLOCK];
        int length = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
        deflater.end();
        byte[] deflated = java.util.Arrays.copyOf(buffer, length);
        byte[] gzipHeader = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
        long bodyLength = gzipHeader.length + (long) deflated.length * BLOCKS;
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        head.writeBytes(
                ascii("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: " + bodyLength + "\r\n\r\n"));
        head.writeBytes(gzipHeader);
        return MockResponse.builder()
                .raw(head.toByteArray())
                .rawRepeated(deflated, BLOCKS)
                .build();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** Each URL answers with a gibibyte: a payload error through both paths, with an 8 MiB cap. */
    static final class ReadsOverTheCap implements CappedJvm.Scenario {
        @Override
        public void run(String... urls) {
            try (ClientSession capped =
                    ClientSession.builder().maxResponseBodySize(CAP).build()) {
                for (String url : urls) {
                    CappedJvm.assertFailsWith(
                            ClientPayloadException.class, () -> capped.get(url).send(), "send() " + url);
                    CappedJvm.assertFailsWith(
                            ClientPayloadException.class,
                            () -> capped.get(url).sendAsync().join(),
                            "sendAsync() " + url);
                }
            }
        }
    }
}
