package io.posthaste.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConnectionHandlingTest {

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
    void clientAskingToCloseGetsConnectionCloseAndAClosedSocket() throws Exception {
        try (RawClient c = new RawClient(server)) {
            RawClient.Response r = c.send("GET /get HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
                    .read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Connection")).isEqualTo("close");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void aClientThatLeavesWhileItsAnswerIsDelayedIsSeenAtOnce() throws Exception {
        server.enqueue(
                MockResponse.builder().headersDelay(Duration.ofSeconds(30)).build());
        try (RawClient c = new RawClient(server)) {
            c.send(RawClient.get("/slow"));
            server.takeRequest();
            assertThat(server.openConnectionCount()).isEqualTo(1);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.openConnectionCount() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(server.openConnectionCount())
                .as("closed before the delay ends")
                .isZero();
    }

    @Test
    void aPipelinedRequestWaitsForTheAnswerBeforeIt() throws Exception {
        server.enqueue(MockResponse.builder()
                .headersDelay(Duration.ofMillis(200))
                .body("first")
                .build());
        server.enqueue(MockResponse.builder().body("second").build());
        try (RawClient c = new RawClient(server)) {
            c.send(RawClient.get("/one") + RawClient.get("/two"));
            assertThat(c.read().bodyUtf8()).isEqualTo("first");
            assertThat(c.read().bodyUtf8()).isEqualTo("second");
        }
    }

    @Test
    void http10ClosesUnlessKeepAliveIsRequested() throws Exception {
        try (RawClient c = new RawClient(server)) {
            c.send("GET /get HTTP/1.0\r\n\r\n").read();
            assertThat(c.closedByServer()).isTrue();
        }
        try (RawClient c = new RawClient(server)) {
            RawClient.Response r = c.send("GET /get HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                    .read();
            assertThat(r.header("Connection")).isEqualTo("keep-alive");
            assertThat(c.send("GET /ip HTTP/1.0\r\n\r\n").read().status()).isEqualTo(200);
        }
    }

    @Test
    void echoDispatcherStreamsSinkBodiesWithoutRecordingThem() throws Exception {
        server.dispatcher(Dispatcher.echo());
        try (RawClient c = new RawClient(server)) {
            c.send("POST /sink HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc")
                    .read();
        }
        RecordedRequest r = server.takeRequest();
        assertThat(r.bodySize()).isEqualTo(3);
        assertThat(r.body()).isEmpty();
    }

    @Test
    void partsOfAMalformedOrTruncatedMultipartBodyFailClearly() throws Exception {
        server.enqueue(MockResponse.ok(""));
        try (RawClient c = new RawClient(server)) {
            c.send("POST /x HTTP/1.1\r\nHost: h\r\nContent-Type: multipart/form-data; boundary=B\r\n"
                            + "Content-Length: 4\r\n\r\nnope")
                    .read();
        }
        RecordedRequest malformed = server.takeRequest();
        assertThatThrownBy(malformed::parts)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("malformed multipart");

        try (TestServer small = TestServer.builder().maxRecordedBodyBytes(10).start();
                RawClient c = new RawClient(small)) {
            small.enqueue(MockResponse.ok(""));
            String body = "--B--\r\n" + "-".repeat(13);
            c.send("POST /x HTTP/1.1\r\nHost: h\r\nContent-Type: multipart/form-data; boundary=B\r\n"
                            + "Content-Length: " + body.length() + "\r\n\r\n" + body)
                    .read();
            assertThatThrownBy(small.takeRequest()::parts)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("maxRecordedBodyBytes");
        }
    }

    @Test
    void absoluteFormTargetsKeepTheirUrlAndPath() throws Exception {
        server.enqueue(MockResponse.ok(""));
        try (RawClient c = new RawClient(server)) {
            c.send("GET http://example.test/a/b?q=1 HTTP/1.1\r\nHost: example.test\r\n\r\n")
                    .read();
        }
        RecordedRequest r = server.takeRequest();
        assertThat(r.path()).isEqualTo("/a/b");
        assertThat(r.query()).isEqualTo("q=1");
        assertThat(r.url()).isEqualTo("http://example.test/a/b?q=1");
    }
}
