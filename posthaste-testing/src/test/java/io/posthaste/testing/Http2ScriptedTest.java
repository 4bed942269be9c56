package io.posthaste.testing;

import static io.posthaste.testing.H2FrameClient.DATA;
import static io.posthaste.testing.H2FrameClient.END_STREAM;
import static io.posthaste.testing.H2FrameClient.HEADERS;
import static org.assertj.core.api.Assertions.assertThat;

import io.posthaste.testing.internal.Json;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The queue, dispatcher, echo routes, /sink and recording, over cleartext HTTP/2 by prior knowledge. */
class Http2ScriptedTest {

    private TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.builder().http2().start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aScriptedAnswerGoesOutAsHttp2FramesAndTheRequestIsRecordedAsHttp2() throws Exception {
        server.enqueue(MockResponse.builder()
                .status(201)
                .header("X-Trace", "t1")
                .header("Content-Type", "text/plain")
                .body("created")
                .build());
        try (H2FrameClient c = new H2FrameClient(server)) {
            c.handshake();
            c.headers(1, "POST", "/items?a=1", false, "content-type", "application/json", "x-seen", "yes");
            c.data(1, "{\"n\":", false).data(1, "1}", true);
            H2FrameClient.Response r = c.response(1);
            assertThat(r.status()).isEqualTo(201);
            assertThat(r.header("x-trace")).isEqualTo("t1"); // names lower-cased, as HTTP/2 requires
            assertThat(r.header("content-length")).isEqualTo("7");
            assertThat(r.bodyUtf8()).isEqualTo("created");
        }
        RecordedRequest recorded = server.takeRequest();
        assertThat(recorded.version()).isEqualTo("HTTP/2");
        assertThat(recorded.streamId()).isEqualTo(1);
        assertThat(recorded.method()).isEqualTo("POST");
        assertThat(recorded.target()).isEqualTo("/items?a=1");
        assertThat(recorded.query()).isEqualTo("a=1");
        assertThat(recorded.headers().get(0)).isEqualTo(Map.entry("Host", "localhost"));
        assertThat(recorded.header("X-Seen")).isEqualTo("yes");
        assertThat(recorded.headers()).noneMatch(h -> h.getKey().startsWith(":"));
        assertThat(recorded.bodyUtf8()).isEqualTo("{\"n\":1}");
        assertThat(recorded.chunked()).isFalse();
        assertThat(recorded.chunkSizes()).containsExactly(5, 2); // the DATA frames as sent
        assertThat(recorded.tls()).isFalse();
        assertThat(recorded.url()).isEqualTo("http://localhost/items?a=1");
    }

    @Test
    void echoRoutesAnswerOnHttp2() throws Exception {
        try (H2FrameClient c = new H2FrameClient(server)) {
            c.handshake();
            c.headers(1, "GET", "/get?x=1", true, "user-agent", "h2-test");
            Map<?, ?> json = (Map<?, ?>) Json.parse(c.response(1).bodyUtf8());
            assertThat(json.get("url")).isEqualTo("http://localhost/get?x=1");
            assertThat(((Map<?, ?>) json.get("headers")).get("User-Agent")).isEqualTo("h2-test");
            c.headers(3, "GET", "/status/418", true);
            assertThat(c.response(3).status()).isEqualTo(418);
            c.headers(5, "HEAD", "/bytes/10", true);
            H2FrameClient.Response head = c.response(5);
            assertThat(head.header("content-length")).isEqualTo("10");
            assertThat(head.dataFrameSizes()).isEmpty();
        }
    }

    @Test
    void sinkMeasuresAnHttp2UploadWithoutKeepingIt() throws Exception {
        try (H2FrameClient c = new H2FrameClient(server)) {
            c.handshake();
            c.headers(1, "PUT", "/sink", false).data(1, "hello ", false).data(1, "world", true);
            Map<?, ?> json = (Map<?, ?>) Json.parse(c.response(1).bodyUtf8());
            assertThat(json.get("bytes")).isEqualTo(11L);
            assertThat(json.get("sha256"))
                    .isEqualTo("b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9");
        }
        RecordedRequest recorded = server.takeRequest();
        assertThat(recorded.bodySize()).isEqualTo(11);
        assertThat(recorded.body()).isEmpty();
    }

    @Test
    void streamsOfOneConnectionAreIndependentAndRecordedInTheOrderTheyOpened() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        server.dispatcher(request -> {
            if (request.path().equals("/slow")) {
                try {
                    release.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return MockResponse.ok(request.path());
        });
        try (H2FrameClient c = new H2FrameClient(server)) {
            c.handshake();
            c.headers(1, "GET", "/slow", true).headers(3, "GET", "/fast", true);
            assertThat(c.response(3).bodyUtf8()).isEqualTo("/fast"); // not held up behind stream 1
            release.countDown();
            assertThat(c.response(1).bodyUtf8()).isEqualTo("/slow");
        }
        RecordedRequest first = server.takeRequest();
        RecordedRequest second = server.takeRequest();
        assertThat(List.of(first.streamId(), second.streamId())).containsExactly(1, 3);
        assertThat(List.of(first.sequenceOnConnection(), second.sequenceOnConnection()))
                .containsExactly(0, 1);
        assertThat(second.connectionId()).isEqualTo(first.connectionId());
        assertThat(server.connectionCount()).isEqualTo(1);
    }

    @Test
    void chunkSizesBecomeDataFramesAndTrailersATrailingHeadersFrame() throws Exception {
        server.enqueue(MockResponse.builder()
                .body("abcdefghij")
                .chunked(4, 3)
                .trailer("X-Checksum", "42")
                .interimContinues(1)
                .build());
        try (H2FrameClient c = new H2FrameClient(server)) {
            c.handshake();
            c.headers(1, "GET", "/", true);
            H2FrameClient.Response r = c.response(1);
            assertThat(r.interim()).hasSize(1);
            assertThat(r.interim().get(0).status().toString()).isEqualTo("100");
            assertThat(r.dataFrameSizes()).containsExactly(4, 3, 3);
            assertThat(r.header("content-length")).isNull(); // as with chunked framing on HTTP/1.1
            assertThat(r.trailers().get("x-checksum").toString()).isEqualTo("42");
            assertThat(c.seen()).filteredOn(f -> f.type() == DATA).noneMatch(f -> f.has(END_STREAM));
            assertThat(c.seen()).filteredOn(f -> f.type() == HEADERS).last().matches(f -> f.has(END_STREAM));
        }
    }

    @Test
    void delaysThrottlingAndGzipKeepTheirMeaningOnHttp2() throws Exception {
        server.enqueue(MockResponse.builder()
                .body("xyz")
                .throttle(1, Duration.ofMillis(30))
                .headersDelay(Duration.ofMillis(50))
                .build());
        server.enqueue(MockResponse.builder().body("zip me").gzip().build());
        try (H2FrameClient c = new H2FrameClient(server)) {
            c.handshake();
            long started = System.nanoTime();
            c.headers(1, "GET", "/", true);
            H2FrameClient.Response throttled = c.response(1);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(110));
            assertThat(throttled.dataFrameSizes()).containsExactly(1, 1, 1);
            c.headers(3, "GET", "/", true);
            H2FrameClient.Response zipped = c.response(3);
            assertThat(zipped.header("content-encoding")).isEqualTo("gzip");
            assertThat(new String(
                            new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(zipped.body()))
                                    .readAllBytes(),
                            java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo("zip me");
        }
    }

    @Test
    void expectContinueGetsAnInterim100BeforeTheBodyIsSent() throws Exception {
        try (H2FrameClient c = new H2FrameClient(server)) {
            c.handshake();
            c.headers(1, "POST", "/post", false, "expect", "100-continue");
            H2FrameClient.Frame interim = c.await(f -> f.type() == HEADERS && f.streamId() == 1);
            assertThat(interim.has(END_STREAM)).isFalse();
            c.data(1, "late body", true);
            H2FrameClient.Response r = c.response(1);
            assertThat(r.status()).isEqualTo(200);
            assertThat(((Map<?, ?>) Json.parse(r.bodyUtf8())).get("data")).isEqualTo("late body");
        }
    }

    @Test
    void theCleartextPortStillServesHttp11() throws Exception {
        try (RawClient c = new RawClient(server)) {
            assertThat(c.send(RawClient.get("/get")).read().status()).isEqualTo(200);
        }
        RecordedRequest recorded = server.takeRequest();
        assertThat(recorded.version()).isEqualTo("HTTP/1.1");
        assertThat(recorded.streamId()).isZero();
    }

    @Test
    void anHttp2OnlyAnswerToAnHttp11RequestIsA500NamingTheFault() throws Exception {
        server.enqueue(
                MockResponse.builder().http2Fault(Http2Fault.SETTINGS_FLOOD).build());
        server.enqueue(MockResponse.builder()
                .resetStream(io.netty.handler.codec.http2.Http2Error.CANCEL)
                .build());
        try (RawClient c = new RawClient(server)) {
            RawClient.Response flood = c.send(RawClient.get("/")).read();
            assertThat(flood.status()).isEqualTo(500);
            assertThat(flood.bodyUtf8()).contains("Http2Fault.SETTINGS_FLOOD", "needs HTTP/2");
            assertThat(c.send(RawClient.get("/")).read().bodyUtf8()).contains("resetStream(CANCEL)");
        }
    }
}
