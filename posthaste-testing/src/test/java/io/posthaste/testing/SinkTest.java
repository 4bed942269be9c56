package io.posthaste.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.posthaste.testing.internal.Json;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SinkTest {

    /** 4 GiB streams over loopback in about 4 s here, so the full size stays in the default suite. */
    private static final long BIG_UPLOAD = 4L << 30;

    private static final long MAX_HEAP_GROWTH = 64L << 20;

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void forgetEarlierRequests() {
        while (server.takeRequest(Duration.ZERO) != null) {
            // Each test takes only what it sent.
        }
    }

    @Test
    void hugeUploadIsCountedAndHashedWithFlatServerMemory() throws Exception {
        byte[] block = new byte[1 << 20];
        new Random(42).nextBytes(block);
        MessageDigest expected = MessageDigest.getInstance("SHA-256");
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long baseline = memory.getHeapMemoryUsage().getUsed();
        AtomicLong peakRetained = new AtomicLong(baseline);
        AtomicBoolean done = new AtomicBoolean();
        // Sample retained heap (after a GC) while the body streams: growth here would mean the sink keeps data.
        Thread sampler = new Thread(
                () -> {
                    while (!done.get()) {
                        System.gc();
                        peakRetained.accumulateAndGet(
                                memory.getHeapMemoryUsage().getUsed(), Math::max);
                        try {
                            Thread.sleep(250);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "heap-sampler");
        sampler.setDaemon(true);
        long t0 = System.nanoTime();
        Map<String, Object> answer;
        try (RawClient c = new RawClient(server.port(), 120_000)) {
            sampler.start();
            OutputStream out = c.socket().getOutputStream();
            out.write(("POST /sink HTTP/1.1\r\nHost: h\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                            + BIG_UPLOAD + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            for (long sent = 0; sent < BIG_UPLOAD; sent += block.length) {
                block[0] = (byte) (sent >>> 20);
                expected.update(block);
                out.write(block);
            }
            out.flush();
            answer = Http.map(Json.parse(c.read().bodyUtf8()));
        } finally {
            done.set(true);
            sampler.join(10_000);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long growth = peakRetained.get() - baseline;
        System.out.printf(
                "/sink: %d MiB in %.1f s (%.0f MiB/s), server heap growth %.1f MiB%n",
                BIG_UPLOAD >> 20, seconds, (BIG_UPLOAD >> 20) / seconds, growth / 1048576.0);
        assertThat(answer.get("bytes")).isEqualTo(BIG_UPLOAD);
        assertThat(answer.get("sha256")).isEqualTo(HexFormat.of().formatHex(expected.digest()));
        assertThat(growth).isLessThan(MAX_HEAP_GROWTH);
        RecordedRequest recorded = server.takeRequest();
        assertThat(recorded.bodySize()).isEqualTo(BIG_UPLOAD);
        assertThat(recorded.body()).isEmpty();
    }

    @Test
    void chunkedUploadReportsChunkCountAndHash() throws Exception {
        byte[] chunk = "x".repeat(1000).getBytes(StandardCharsets.US_ASCII);
        MessageDigest expected = MessageDigest.getInstance("SHA-256");
        try (RawClient c = new RawClient(server)) {
            c.send("POST /sink HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (int i = 0; i < 50; i++) {
                c.send("3e8\r\n").send(chunk).send("\r\n");
                expected.update(chunk);
            }
            Map<String, Object> answer =
                    Http.map(Json.parse(c.send("0\r\n\r\n").read().bodyUtf8()));
            assertThat(answer)
                    .containsEntry("bytes", 50_000L)
                    .containsEntry("chunked", true)
                    .containsEntry("chunks", 50L)
                    .containsEntry("sha256", HexFormat.of().formatHex(expected.digest()));
        }
        assertThat(server.takeRequest().chunkSizes()).isEmpty();
    }

    @Test
    void multipartUploadReportsEveryPart() throws Exception {
        byte[] body = ("--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nfirst\r\n"
                        + "--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x.bin\"\r\n"
                        + "Content-Type: application/octet-stream\r\n\r\nsecond part\r\n--B--\r\n")
                .getBytes(StandardCharsets.UTF_8);
        try (RawClient c = new RawClient(server)) {
            c.send("POST /sink HTTP/1.1\r\nHost: h\r\nContent-Type: multipart/form-data; boundary=B\r\n"
                            + "Content-Length: " + body.length + "\r\n\r\n")
                    .send(body);
            Map<String, Object> answer = Http.map(Json.parse(c.read().bodyUtf8()));
            assertThat(answer.get("bytes")).isEqualTo((long) body.length);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> parts = (List<Map<String, Object>>) answer.get("parts");
            assertThat(parts).hasSize(2);
            assertThat(parts.get(0))
                    .containsEntry("name", "a")
                    .containsEntry("bytes", 5L)
                    .containsEntry("sha256", sha256("first"))
                    .containsEntry("filename", Json.NULL);
            assertThat(parts.get(1))
                    .containsEntry("name", "f")
                    .containsEntry("filename", "x.bin")
                    .containsEntry("content_type", "application/octet-stream")
                    .containsEntry("bytes", 11L)
                    .containsEntry("sha256", sha256("second part"));
        }
    }

    @Test
    void malformedMultipartIsReportedNotFatal() throws Exception {
        try (RawClient c = new RawClient(server)) {
            c.send("POST /sink HTTP/1.1\r\nHost: h\r\nContent-Type: multipart/form-data; boundary=B\r\n"
                    + "Content-Length: 9\r\n\r\nno parts!");
            Map<String, Object> answer = Http.map(Json.parse(c.read().bodyUtf8()));
            assertThat((String) answer.get("multipart_error")).contains("closing delimiter");
            assertThat(answer.get("bytes")).isEqualTo(9L);
        }
    }

    @Test
    void sinkGivesTheSameAnswerThroughAnEchoDelegatingDispatcher() throws Exception {
        server.dispatcher(request -> Dispatcher.echo().dispatch(request));
        try (RawClient c = new RawClient(server)) {
            c.send("PUT /sink HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello");
            Map<String, Object> answer = Http.map(Json.parse(c.read().bodyUtf8()));
            assertThat(answer).containsEntry("bytes", 5L).containsEntry("sha256", sha256("hello"));
        } finally {
            server.dispatcher(null);
        }
    }

    private static String sha256(String s) throws Exception {
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
