package io.posthaste.testing;

import static io.posthaste.testing.Http.get;
import static io.posthaste.testing.Http.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.posthaste.testing.internal.Json;
import io.posthaste.testing.internal.ReceivedRequest;
import io.posthaste.testing.internal.RequestHead;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class StreamingRoutesTest {

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void gzipAndDeflateRoutesAreCompressedAndFlagged() throws Exception {
        try (RawClient c = new RawClient(server)) {
            RawClient.Response gz = c.send(RawClient.get("/gzip")).read();
            assertThat(gz.header("Content-Encoding")).isEqualTo("gzip");
            String text = new String(
                    new GZIPInputStream(new ByteArrayInputStream(gz.body())).readAllBytes(), StandardCharsets.UTF_8);
            assertThat(Http.map(Json.parse(text)))
                    .containsEntry("gzipped", true)
                    .containsKeys("headers", "method", "origin");
            RawClient.Response df = c.send(RawClient.get("/deflate")).read();
            String inflated = new String(
                    new InflaterInputStream(new ByteArrayInputStream(df.body())).readAllBytes(),
                    StandardCharsets.UTF_8);
            assertThat(Http.map(Json.parse(inflated))).containsEntry("deflated", true);
        }
    }

    @Test
    void bytesRoutesAreSizedSeededAndCapped() throws Exception {
        try (RawClient c = new RawClient(server)) {
            RawClient.Response a = c.send(RawClient.get("/bytes/1000?seed=7")).read();
            RawClient.Response b = c.send(RawClient.get("/bytes/1000?seed=7")).read();
            assertThat(a.body()).hasSize(1000).isEqualTo(b.body());
            assertThat(a.header("Content-Type")).isEqualTo("application/octet-stream");
            assertThat(c.send(RawClient.get("/bytes/999999")).read().body()).hasSize(100 * 1024);
            RawClient.Response streamed =
                    c.send(RawClient.get("/stream-bytes/2500?chunk_size=1000")).read();
            assertThat(streamed.chunkSizes()).containsExactly(1000, 1000, 500);
        }
    }

    @Test
    void streamRouteSendsOneJsonObjectPerChunk() throws Exception {
        try (RawClient c = new RawClient(server)) {
            RawClient.Response r = c.send(RawClient.get("/stream/3")).read();
            assertThat(r.chunkSizes()).hasSize(3);
            String[] lines = r.bodyUtf8().split("\n");
            assertThat(lines).hasSize(3);
            for (int i = 0; i < 3; i++) {
                assertThat(Http.map(Json.parse(lines[i])))
                        .containsEntry("id", (long) i)
                        .containsKeys("args", "headers", "origin", "url");
            }
        }
    }

    @Test
    void dripSpreadsBytesOverTheDuration() throws Exception {
        long t0 = System.nanoTime();
        var r = get(server, "/drip?duration=0.4&numbytes=5&code=201&delay=0.1");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(r.body()).isEqualTo("*****");
        assertThat(get(server, "/drip?numbytes=0").statusCode()).isEqualTo(400);
    }

    @Test
    void delayWaitsThenEchoesAndRefusesNegativeDelays() throws Exception {
        long t0 = System.nanoTime();
        Map<String, Object> body = json(get(server, "/delay/0.3"));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(body).containsOnlyKeys("args", "data", "files", "form", "headers", "origin", "url");
        assertThat(get(server, "/delay/-1").statusCode()).isEqualTo(400);
    }

    @Test
    void delayIsCappedAtTenSeconds() {
        RecordedRequest request = new RecordedRequest(new ReceivedRequest(
                new RequestHead("GET", "/delay/3600", "HTTP/1.1", List.of(Map.entry("Host", "h"))),
                new byte[0],
                0,
                false,
                List.of(),
                List.of(),
                1,
                0,
                false,
                "127.0.0.1",
                null,
                0));
        MockResponse answer = Dispatcher.echo().dispatch(request);
        assertThat(Duration.ofNanos(answer.spec().headersDelayNanos())).isEqualTo(Duration.ofSeconds(10));
    }
}
