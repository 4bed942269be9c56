package io.posthaste.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MockResponseTest {

    private TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private RawClient.Response exchange(MockResponse response) throws Exception {
        server.enqueue(response);
        try (RawClient c = new RawClient(server)) {
            return c.send(RawClient.get("/")).read();
        }
    }

    @Test
    void statusReasonAndHeadersAreSentAsGiven() throws Exception {
        RawClient.Response r = exchange(MockResponse.builder()
                .status(299)
                .reason("Custom Thing")
                .header("X-One", "1")
                .header("x-two", "2")
                .header("X-One", "again")
                .body("hi")
                .build());
        assertThat(r.status()).isEqualTo(299);
        assertThat(r.reason()).isEqualTo("Custom Thing");
        assertThat(r.headers())
                .containsSubsequence(
                        Map.entry("X-One", "1"),
                        Map.entry("x-two", "2"),
                        Map.entry("X-One", "again"),
                        Map.entry("Content-Length", "2"));
        assertThat(r.bodyUtf8()).isEqualTo("hi");
    }

    @Test
    void unknownStatusGetsAGenericReason() throws Exception {
        assertThat(exchange(MockResponse.status(599)).reason()).isEqualTo("Unknown");
        assertThat(exchange(MockResponse.status(500)).reason()).isEqualTo("Internal Server Error");
    }

    @Test
    void chunkedResponseUsesGivenChunkSizes() throws Exception {
        RawClient.Response r = exchange(
                MockResponse.builder().body("abcdefghij").chunked(3, 1, 4).build());
        assertThat(r.header("Transfer-Encoding")).isEqualTo("chunked");
        assertThat(r.header("Content-Length")).isNull();
        assertThat(r.chunkSizes()).containsExactly(3, 1, 4, 2);
        assertThat(r.bodyUtf8()).isEqualTo("abcdefghij");
    }

    @Test
    void trailersImplyChunkedFraming() throws Exception {
        RawClient.Response r = exchange(
                MockResponse.builder().body("data").trailer("X-Sum", "7").build());
        assertThat(r.chunkSizes()).containsExactly(4);
        assertThat(r.trailers()).containsExactly(Map.entry("X-Sum", "7"));
    }

    @Test
    void gzipAndDeflateEncodeTheBody() throws Exception {
        RawClient.Response gz =
                exchange(MockResponse.builder().body("hello hello hello").gzip().build());
        assertThat(gz.header("Content-Encoding")).isEqualTo("gzip");
        assertThat(new String(
                        new GZIPInputStream(new ByteArrayInputStream(gz.body())).readAllBytes(),
                        StandardCharsets.UTF_8))
                .isEqualTo("hello hello hello");
        RawClient.Response df =
                exchange(MockResponse.builder().body("hello deflate").deflate().build());
        assertThat(df.header("Content-Encoding")).isEqualTo("deflate");
        assertThat(new String(
                        new InflaterInputStream(new ByteArrayInputStream(df.body())).readAllBytes(),
                        StandardCharsets.UTF_8))
                .isEqualTo("hello deflate");
    }

    @Test
    void delaysHoldBackHeadAndBody() throws Exception {
        long t0 = System.nanoTime();
        exchange(MockResponse.builder()
                .body("x")
                .headersDelay(Duration.ofMillis(150))
                .bodyDelay(Duration.ofMillis(150))
                .build());
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void throttleWritesBytesPerPeriod() throws Exception {
        long t0 = System.nanoTime();
        RawClient.Response r = exchange(MockResponse.builder()
                .body("0123456789")
                .throttle(2, Duration.ofMillis(50))
                .build());
        assertThat(r.bodyUtf8()).isEqualTo("0123456789");
        // Five writes with four pauses between them.
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    }

    @Test
    void closeConnectionSendsHeaderAndCloses() throws Exception {
        server.enqueue(MockResponse.builder().body("bye").closeConnection().build());
        try (RawClient c = new RawClient(server)) {
            RawClient.Response r = c.send(RawClient.get("/")).read();
            assertThat(r.header("Connection")).isEqualTo("close");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void interimContinuesPrecedeTheFinalAnswer() throws Exception {
        server.enqueue(MockResponse.builder().body("done").interimContinues(2).build());
        try (RawClient c = new RawClient(server)) {
            c.send(RawClient.get("/"));
            assertThat(c.read().status()).isEqualTo(100);
            assertThat(c.read().status()).isEqualTo(100);
            assertThat(c.read().bodyUtf8()).isEqualTo("done");
        }
    }

    @Test
    void expectContinueIsAnsweredBeforeTheBodyIsSent() throws Exception {
        server.enqueue(MockResponse.ok("got it"));
        try (RawClient c = new RawClient(server)) {
            c.send("PUT /x HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
            assertThat(c.read().status()).isEqualTo(100);
            assertThat(c.send("abc").read().bodyUtf8()).isEqualTo("got it");
        }
        assertThat(server.takeRequest().bodyUtf8()).isEqualTo("abc");
    }

    @Test
    void headRequestGetsHeadersWithoutBody() throws Exception {
        server.enqueue(MockResponse.ok("twelve bytes"));
        server.enqueue(MockResponse.ok("next"));
        try (RawClient c = new RawClient(server)) {
            RawClient.Response head =
                    c.send("HEAD / HTTP/1.1\r\nHost: h\r\n\r\n").read(true);
            assertThat(head.header("Content-Length")).isEqualTo("12");
            // The next answer on the same connection proves no body bytes were sent after the head.
            assertThat(c.send(RawClient.get("/")).read().bodyUtf8()).isEqualTo("next");
        }
    }

    @Test
    void explicitContentLengthIsSentEvenWhenItLies() throws Exception {
        server.enqueue(MockResponse.builder()
                .header("Content-Length", "10")
                .body("short")
                .closeConnection()
                .build());
        try (RawClient c = new RawClient(server)) {
            byte[] all = c.send(RawClient.get("/")).readToEnd();
            String text = new String(all, StandardCharsets.ISO_8859_1);
            assertThat(text).contains("Content-Length: 10\r\n").endsWith("\r\n\r\nshort");
        }
    }

    @Test
    void rawModeWritesExactlyTheGivenBytes() throws Exception {
        byte[] malformed =
                "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nBad Header\r\n\r\nabc".getBytes(StandardCharsets.US_ASCII);
        server.enqueue(MockResponse.builder().raw(malformed).closeConnection().build());
        try (RawClient c = new RawClient(server)) {
            assertThat(c.send(RawClient.get("/")).readToEnd()).isEqualTo(malformed);
        }
        assertThat(server.takeRequest().path()).isEqualTo("/");
    }

    @Test
    void aRepeatedPatternFollowsTheRawBytesWithoutBeingHeldWhole() throws Exception {
        byte[] head = "HTTP/1.1 200 OK\r\nContent-Length: 300003\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        server.enqueue(MockResponse.builder()
                .raw(head)
                .rawRepeated("abc".getBytes(StandardCharsets.US_ASCII), 100_001)
                .build());
        try (RawClient c = new RawClient(server)) {
            RawClient.Response r = c.send(RawClient.get("/")).read();
            assertThat(r.body()).hasSize(300_003);
            assertThat(r.bodyUtf8()).startsWith("abcabc").endsWith("abcabc").doesNotContain("aa", "bb", "cc");
        }
    }

    @Test
    void aRepeatedAnswerLargerThanTheHeapStopsWhenTheClientLeaves() throws Exception {
        // 16 GiB: far more than this JVM could ever hold, so it must be made as it is written.
        server.enqueue(
                MockResponse.builder().rawRepeated(new byte[1 << 20], 16L << 10).build());
        try (RawClient c = new RawClient(server)) {
            c.send(RawClient.get("/"));
            assertThat(c.socket().getInputStream().readNBytes(8 << 20)).hasSize(8 << 20);
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (server.openConnectionCount() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(server.openConnectionCount())
                .as("the server stopped writing and closed")
                .isZero();
    }

    @Test
    void builderRejectsBadInputWithClearMessages() {
        MockResponse.Builder b = MockResponse.builder();
        assertThatThrownBy(() -> b.status(99))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("99");
        assertThatThrownBy(() -> b.status(1000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.headersDelay(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("headers delay");
        assertThatThrownBy(() -> b.bodyDelay(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.throttle(0, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.throttle(1, Duration.ofMillis(-5))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.chunked()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.chunked(4, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.header("X-Evil", "a\r\nInjected: 1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.header("Bad Name", "v")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.reason("OK\r\n")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.interimContinues(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.disconnectAfterBodyBytes(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.fault(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MockResponse.status(42)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(
                        () -> MockResponse.builder().raw(new byte[1]).body("x").build())
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> b.rawRepeated(new byte[0], 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.rawRepeated(new byte[1], 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MockResponse.builder()
                        .rawRepeated(new byte[1], 2)
                        .throttle(1, Duration.ofMillis(1))
                        .build())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void toBuilderCopiesEverySetting() throws Exception {
        MockResponse base = MockResponse.builder()
                .status(201)
                .header("X-A", "1")
                .body("abc")
                .chunked(1)
                .build();
        RawClient.Response r = exchange(base.toBuilder().header("X-B", "2").build());
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.header("X-A")).isEqualTo("1");
        assertThat(r.header("X-B")).isEqualTo("2");
        assertThat(r.chunkSizes()).containsExactly(1, 1, 1);
        assertThat(base.code()).isEqualTo(201);
        assertThat(base.toString()).contains("201 Created");
    }
}
