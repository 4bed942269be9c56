package io.posthaste.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FaultTest {

    private TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static MockResponse fault(Fault f) {
        return MockResponse.builder().body("never seen").fault(f).build();
    }

    @Test
    void disconnectAtStartClosesANewConnectionBeforeReadingAndRecordsNothing() throws Exception {
        server.enqueue(fault(Fault.DISCONNECT_AT_START));
        server.enqueue(MockResponse.ok("second try"));
        try (RawClient c = new RawClient(server)) {
            assertThat(c.closedByServer()).isTrue();
        }
        try (RawClient c = new RawClient(server)) {
            assertThat(c.send(RawClient.get("/")).read().bodyUtf8()).isEqualTo("second try");
        }
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void disconnectAtStartClosesAKeptAliveConnectionWhenTheNextRequestArrives() throws Exception {
        try (RawClient c = new RawClient(server)) {
            c.send(RawClient.get("/get")).read();
            server.enqueue(fault(Fault.DISCONNECT_AT_START));
            c.send(RawClient.get("/get"));
            assertThat(c.closedByServer()).isTrue();
        }
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void disconnectAfterRequestHeadRecordsTheHeadAndCloses() throws Exception {
        server.enqueue(fault(Fault.DISCONNECT_AFTER_REQUEST_HEAD));
        try (RawClient c = new RawClient(server)) {
            c.send("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\n");
            assertThat(c.closedByServer()).isTrue();
        }
        RecordedRequest r = server.takeRequest();
        assertThat(r.path()).isEqualTo("/upload");
        assertThat(r.bodySize()).isZero();
    }

    @Test
    void stallRecordsTheRequestAndNeverAnswers() throws Exception {
        server.enqueue(fault(Fault.STALL));
        try (RawClient c = new RawClient(server.port(), 300)) {
            c.send(RawClient.get("/stalled"));
            assertThat(server.takeRequest().path()).isEqualTo("/stalled");
            assertThat(c.closedByServer()).isFalse();
        }
    }

    @Test
    void resetAbortsTheConnectionWithRst() throws Exception {
        server.enqueue(fault(Fault.RESET));
        try (RawClient c = new RawClient(server)) {
            c.send(RawClient.get("/"));
            assertThatThrownBy(c::read).isInstanceOf(SocketException.class).hasMessageContaining("reset");
        }
        assertThat(server.takeRequest().path()).isEqualTo("/");
    }

    @Test
    void respondBeforeBodyAnswersEarlyWithoutContinueAndDrainsTheBody() throws Exception {
        server.enqueue(MockResponse.builder()
                .status(413)
                .body("too big")
                .fault(Fault.RESPOND_BEFORE_BODY)
                .build());
        try (RawClient c = new RawClient(server)) {
            c.send("PUT /big HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 1000000\r\n\r\n");
            RawClient.Response r = c.read();
            assertThat(r.status()).isEqualTo(413);
            assertThat(r.header("Connection")).isEqualTo("close");
            assertThat(r.bodyUtf8()).isEqualTo("too big");
            // The client may keep sending; the server reads and discards instead of resetting.
            c.send(new byte[64 * 1024]);
            assertThat(c.closedByServer()).isTrue();
        }
        RecordedRequest r = server.takeRequest();
        assertThat(r.path()).isEqualTo("/big");
        assertThat(r.body()).as("nothing is kept").isEmpty();
        assertThat(r.bodySize())
                .as("what arrived after the early answer is counted")
                .isEqualTo(64 * 1024);
    }

    @Test
    void respondBeforeBodyRecordsNoBodyBytesForAClientThatHeldItsBodyBack() throws Exception {
        server.enqueue(MockResponse.builder()
                .status(413)
                .fault(Fault.RESPOND_BEFORE_BODY)
                .build());
        try (RawClient c = new RawClient(server)) {
            c.send("PUT /held HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n");
            assertThat(c.read().status()).isEqualTo(413);
            assertThat(server.takeRequest(Duration.ofMillis(200)))
                    .as("recorded once the connection closes")
                    .isNull();
        }
        assertThat(server.takeRequest().bodySize()).isZero();
    }

    @Test
    void disconnectAfterBodyBytesCutsAFixedLengthBody() throws Exception {
        server.enqueue(MockResponse.builder()
                .body("0123456789")
                .disconnectAfterBodyBytes(4)
                .build());
        try (RawClient c = new RawClient(server)) {
            String all = new String(c.send(RawClient.get("/")).readToEnd(), StandardCharsets.ISO_8859_1);
            assertThat(all).contains("Content-Length: 10\r\n").endsWith("\r\n\r\n0123");
        }
    }

    @Test
    void disconnectAfterBodyBytesCutsInsideAChunk() throws Exception {
        server.enqueue(MockResponse.builder()
                .body("0123456789")
                .chunked(3)
                .disconnectAfterBodyBytes(5)
                .build());
        try (RawClient c = new RawClient(server)) {
            String all = new String(c.send(RawClient.get("/")).readToEnd(), StandardCharsets.ISO_8859_1);
            assertThat(all).endsWith("\r\n\r\n3\r\n012\r\n3\r\n34");
        }
    }

    @Test
    void faultsChosenByADispatcherPeekActEarly() throws Exception {
        server.dispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return MockResponse.ok("late");
            }

            @Override
            public MockResponse peek() {
                return MockResponse.builder()
                        .status(401)
                        .fault(Fault.RESPOND_BEFORE_BODY)
                        .build();
            }
        });
        try (RawClient c = new RawClient(server)) {
            c.send("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n");
            assertThat(c.read().status()).isEqualTo(401);
        }
    }

    @Test
    void stalledServerStillClosesPromptly() throws IOException {
        server.enqueue(fault(Fault.STALL));
        RawClient c = new RawClient(server);
        c.send(RawClient.get("/"));
        server.takeRequest();
        long t0 = System.nanoTime();
        server.close();
        assertThat(c.closedByServer()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
        c.close();
    }
}
