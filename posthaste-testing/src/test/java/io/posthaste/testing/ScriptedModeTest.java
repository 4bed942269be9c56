package io.posthaste.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ScriptedModeTest {

    private TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void queuedResponsesAreServedFirstInFirstOutThenEchoRoutesAnswer() throws Exception {
        server.enqueue(MockResponse.ok("first"));
        server.enqueue(MockResponse.status(422));
        try (RawClient c = new RawClient(server)) {
            assertThat(c.send(RawClient.get("/a")).read().bodyUtf8()).isEqualTo("first");
            RawClient.Response second = c.send(RawClient.get("/b")).read();
            assertThat(second.status()).isEqualTo(422);
            assertThat(second.reason()).isEqualTo("Unprocessable Entity");
            assertThat(c.send(RawClient.get("/get")).read().bodyUtf8()).contains("\"url\": \"http://127.0.0.1/get\"");
        }
        assertThat(server.pendingResponseCount()).isZero();
    }

    @Test
    void recordedRequestKeepsHeaderOrderCaseAndTarget() throws Exception {
        server.enqueue(MockResponse.ok(""));
        try (RawClient c = new RawClient(server)) {
            c.send("POST /upload/x%20y?b=2&a=1 HTTP/1.1\r\nHost: h\r\nx-lower: 1\r\nX-UPPER: 2\r\nX-Multi: a\r\n"
                            + "X-Multi: b\r\nContent-Length: 5\r\n\r\nhello")
                    .read();
        }
        RecordedRequest r = server.takeRequest();
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.target()).isEqualTo("/upload/x%20y?b=2&a=1");
        assertThat(r.path()).isEqualTo("/upload/x%20y");
        assertThat(r.query()).isEqualTo("b=2&a=1");
        assertThat(r.version()).isEqualTo("HTTP/1.1");
        assertThat(r.headers())
                .extracting(Map.Entry::getKey)
                .containsExactly("Host", "x-lower", "X-UPPER", "X-Multi", "X-Multi", "Content-Length");
        assertThat(r.header("x-upper")).isEqualTo("2");
        assertThat(r.headers("x-multi")).containsExactly("a", "b");
        assertThat(r.header("absent")).isNull();
        assertThat(r.bodyUtf8()).isEqualTo("hello");
        assertThat(r.bodySize()).isEqualTo(5);
        assertThat(r.chunked()).isFalse();
        assertThat(r.url()).isEqualTo("http://h/upload/x%20y?b=2&a=1");
        assertThat(r.parts()).isEmpty();
    }

    @Test
    void chunkedRequestRecordsChunkSizesAndTrailers() throws Exception {
        try (RawClient c = new RawClient(server)) {
            c.send("POST /post HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                            + "3\r\nabc\r\n1;ext=1\r\nd\r\na\r\n0123456789\r\n0\r\nX-Checksum: 42\r\n\r\n")
                    .read();
        }
        RecordedRequest r = server.takeRequest();
        assertThat(r.chunked()).isTrue();
        assertThat(r.chunkSizes()).containsExactly(3, 1, 10);
        assertThat(r.bodyUtf8()).isEqualTo("abcd0123456789");
        assertThat(r.trailers()).containsExactly(Map.entry("X-Checksum", "42"));
    }

    @Test
    void keepAliveReuseShowsInConnectionIdAndSequence() throws Exception {
        try (RawClient c = new RawClient(server)) {
            c.send(RawClient.get("/get")).read();
            c.send(RawClient.get("/get")).read();
        }
        try (RawClient c = new RawClient(server)) {
            c.send(RawClient.get("/get")).read();
        }
        RecordedRequest a = server.takeRequest();
        RecordedRequest b = server.takeRequest();
        RecordedRequest c = server.takeRequest();
        assertThat(List.of(a.connectionId(), a.sequenceOnConnection())).containsExactly(1, 0);
        assertThat(List.of(b.connectionId(), b.sequenceOnConnection())).containsExactly(1, 1);
        assertThat(List.of(c.connectionId(), c.sequenceOnConnection())).containsExactly(2, 0);
        assertThat(server.connectionCount()).isEqualTo(2);
        assertThat(server.requestCount()).isEqualTo(3);
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        server.enqueue(MockResponse.builder()
                .body("slow")
                .headersDelay(Duration.ofMillis(100))
                .build());
        server.enqueue(MockResponse.ok("fast"));
        try (RawClient c = new RawClient(server)) {
            c.send(RawClient.get("/1") + RawClient.get("/2"));
            assertThat(c.read().bodyUtf8()).isEqualTo("slow");
            assertThat(c.read().bodyUtf8()).isEqualTo("fast");
        }
    }

    @Test
    void openConnectionCountFollowsClientsClosing() throws Exception {
        RawClient c = new RawClient(server);
        c.send(RawClient.get("/get")).read();
        assertThat(server.openConnectionCount()).isEqualTo(1);
        c.close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.openConnectionCount() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(server.openConnectionCount()).isZero();
    }

    @Test
    void takeRequestReturnsNullOrThrowsWhenNothingArrives() {
        assertThat(server.takeRequest(Duration.ofMillis(50))).isNull();
        assertThatThrownBy(() -> server.takeRequest(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void customDispatcherSeesEveryRequestAndMayBlock() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        server.dispatcher(request -> {
            if (request.path().equals("/wait")) {
                try {
                    release.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return MockResponse.ok("dispatched " + request.path());
        });
        assertThatThrownBy(() -> server.enqueue(MockResponse.ok("x"))).isInstanceOf(IllegalStateException.class);
        try (RawClient waiting = new RawClient(server);
                RawClient other = new RawClient(server)) {
            waiting.send(RawClient.get("/wait"));
            // A blocked dispatcher must not stall other connections: it runs off the event loop.
            assertThat(other.send(RawClient.get("/get")).read().bodyUtf8()).isEqualTo("dispatched /get");
            release.countDown();
            assertThat(waiting.read().bodyUtf8()).isEqualTo("dispatched /wait");
        }
        server.dispatcher(null);
        server.enqueue(MockResponse.ok("queued again"));
        try (RawClient c = new RawClient(server)) {
            assertThat(c.send(RawClient.get("/x")).read().bodyUtf8()).isEqualTo("queued again");
        }
    }

    @Test
    void dispatcherFailuresBecome500WithTheReason() throws Exception {
        server.dispatcher(request -> request.path().equals("/null") ? null : fail());
        try (RawClient c = new RawClient(server)) {
            RawClient.Response nullAnswer = c.send(RawClient.get("/null")).read();
            assertThat(nullAnswer.status()).isEqualTo(500);
            assertThat(nullAnswer.bodyUtf8()).contains("dispatcher returned null");
        }
        try (RawClient c = new RawClient(server)) {
            RawClient.Response thrown = c.send(RawClient.get("/boom")).read();
            assertThat(thrown.status()).isEqualTo(500);
            assertThat(thrown.bodyUtf8()).contains("dispatcher threw").contains("boom in dispatcher");
        }
    }

    private static MockResponse fail() {
        throw new IllegalStateException("boom in dispatcher");
    }

    @Test
    void jdkHttpClientTalksToTheServer() throws Exception {
        server.enqueue(MockResponse.builder()
                .status(201)
                .header("Content-Type", "text/plain")
                .body("made")
                .build());
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(server.uri("/create"))
                        .POST(HttpRequest.BodyPublishers.ofString("{}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.body()).isEqualTo("made");
        assertThat(server.takeRequest().bodyUtf8()).isEqualTo("{}");
    }

    @Test
    void urlsPointAtTheLoopbackPort() {
        assertThat(server.url("/get?a=1")).isEqualTo("http://127.0.0.1:" + server.port() + "/get?a=1");
        assertThat(server.uri("/x")).isEqualTo(URI.create("http://127.0.0.1:" + server.port() + "/x"));
        assertThat(server.host()).isEqualTo("127.0.0.1");
        assertThat(server.isTls()).isFalse();
        assertThatThrownBy(() -> server.url("get")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(server::certificate)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("TLS");
    }
}
