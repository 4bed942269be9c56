package io.posthaste.testing;

import static io.posthaste.testing.H2FrameClient.ACK;
import static io.posthaste.testing.H2FrameClient.CONTINUATION;
import static io.posthaste.testing.H2FrameClient.DATA;
import static io.posthaste.testing.H2FrameClient.END_HEADERS;
import static io.posthaste.testing.H2FrameClient.END_STREAM;
import static io.posthaste.testing.H2FrameClient.GOAWAY;
import static io.posthaste.testing.H2FrameClient.HEADERS;
import static io.posthaste.testing.H2FrameClient.PING;
import static io.posthaste.testing.H2FrameClient.RST_STREAM;
import static io.posthaste.testing.H2FrameClient.SETTINGS;
import static io.posthaste.testing.H2FrameClient.WINDOW_UPDATE;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http2.Http2Error;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The faults a scripted answer injects on an HTTP/2 stream, seen frame by frame from the client's side. */
class Http2AnswerFaultTest {

    private static final byte[] PING_DATA = {1, 2, 3, 4, 5, 6, 7, 8};

    private TestServer server;

    private TestServer start(Http2Options options) {
        server = TestServer.builder().http2(options).start();
        return server;
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @ParameterizedTest
    @EnumSource(
            value = Http2Error.class,
            names = {"REFUSED_STREAM", "CANCEL", "INTERNAL_ERROR", "ENHANCE_YOUR_CALM"})
    void resetStreamAnswersWithRstStreamCarryingTheChosenCode(Http2Error code) throws Exception {
        start(Http2Options.defaults());
        server.enqueue(MockResponse.builder().resetStream(code).build());
        try (H2FrameClient c = new H2FrameClient(server)) {
            c.handshake();
            c.headers(1, "POST", "/post", false).data(1, "body", true);
            H2FrameClient.Response r = c.response(1);
            assertThat(r.resetCode()).isEqualTo(code.code());
            assertThat(r.headers()).isNull();
            c.headers(3, "GET", "/get", true); // the connection lives on
            assertThat(c.response(3).status()).isEqualTo(200);
        }
        assertThat(server.takeRequest().bodyUtf8()).isEqualTo("body");
    }

    @Test
    void resetStreamWithABodyByteCountCutsTheAnswerThere() throws Exception {
        start(Http2Options.defaults());
        server.enqueue(MockResponse.builder()
                .body("0123456789")
                .resetStream(Http2Error.INTERNAL_ERROR)
                .disconnectAfterBodyBytes(4)
                .build());
        try (H2FrameClient c = new H2FrameClient(server)) {
            c.handshake();
            c.headers(1, "GET", "/", true);
            H2FrameClient.Response r = c.response(1);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyUtf8()).isEqualTo("0123");
            assertThat(r.resetCode()).isEqualTo(Http2Error.INTERNAL_ERROR.code());
            assertThat(c.seen()).noneMatch(f -> f.streamId() == 1 && f.has(END_STREAM));
        }
    }

    @Test
    void aContinuationFloodNeverEndsTheHeaderBlock() throws Exception {
        start(Http2Options.defaults());
        server.enqueue(
                MockResponse.builder().http2Fault(Http2Fault.CONTINUATION_FLOOD).build());
        try (H2FrameClient c = new H2FrameClient(server)) {
            c.handshake();
            c.await(f -> f.type() == SETTINGS && f.has(ACK)); // so that only the flood follows
            c.headers(1, "GET", "/", true);
            H2FrameClient.Frame headers = c.await(f -> f.type() == HEADERS);
            assertThat(headers.has(END_HEADERS)).isFalse();
            for (int i = 0; i < 5_000; i++) {
                H2FrameClient.Frame f = c.next();
                assertThat(f.type()).isEqualTo(CONTINUATION);
                assertThat(f.streamId()).isEqualTo(1);
                assertThat(f.has(END_HEADERS)).isFalse();
                assertThat(f.payload()).hasSizeGreaterThan(0);
            }
        }
        // The client left: the server stops flooding and lets the connection go.
        awaitNoOpenConnection();
    }

    @Test
    void aSettingsFloodSendsExactlyFloodFramesSettingsThenStops() throws Exception {
        start(Http2Options.defaults());
        server.enqueue(
                MockResponse.builder().http2Fault(Http2Fault.SETTINGS_FLOOD).build());
        try (H2FrameClient c = new H2FrameClient(server)) {
            c.handshake();
            c.await(f -> f.type() == SETTINGS && f.has(ACK));
            c.headers(1, "GET", "/", true);
            for (int i = 0; i < Http2Fault.FLOOD_FRAMES; i++) {
                H2FrameClient.Frame f = c.next();
                assertThat(f.type()).isEqualTo(SETTINGS);
                assertThat(f.has(ACK)).isFalse();
            }
            c.frame(PING, 0, 0, PING_DATA); // whatever comes next is the answer to this
            assertThat(c.next().type()).isEqualTo(PING);
        }
    }

    @Test
    void aWindowOverflowPushesTheConnectionWindowPastTheLimit() throws Exception {
        start(Http2Options.defaults());
        server.enqueue(
                MockResponse.builder().http2Fault(Http2Fault.WINDOW_OVERFLOW).build());
        try (H2FrameClient c = new H2FrameClient(server)) {
            c.handshake();
            c.headers(1, "GET", "/", true);
            H2FrameClient.Frame update = c.await(f -> f.type() == WINDOW_UPDATE);
            assertThat(update.streamId()).isZero();
            assertThat(update.windowIncrement()).isEqualTo(Integer.MAX_VALUE);
            assertThat(65_535L + update.windowIncrement()).isGreaterThan(Integer.MAX_VALUE);
        }
    }

    @Test
    void stallLeavesOneStreamUnansweredWhileOthersAreServed() throws Exception {
        start(Http2Options.defaults());
        server.enqueue(MockResponse.builder().fault(Fault.STALL).build());
        try (H2FrameClient c = new H2FrameClient(server)) {
            c.handshake();
            c.headers(1, "GET", "/", true);
            server.takeRequest();
            c.headers(3, "GET", "/get", true);
            assertThat(c.response(3).status()).isEqualTo(200);
            assertThat(c.seen()).noneMatch(f -> f.streamId() == 1);
        }
    }

    @Test
    void closeConnectionAnswersThenSendsGoAwayAndCloses() throws Exception {
        start(Http2Options.defaults());
        server.enqueue(MockResponse.builder().body("bye").closeConnection().build());
        try (H2FrameClient c = new H2FrameClient(server)) {
            c.handshake();
            c.headers(1, "GET", "/", true);
            assertThat(c.response(1).bodyUtf8()).isEqualTo("bye");
            H2FrameClient.Frame goAway = c.await(f -> f.type() == GOAWAY);
            assertThat(goAway.lastStreamId()).isEqualTo(1);
            assertThat(goAway.errorCode()).isEqualTo(Http2Error.NO_ERROR.code());
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void closeAfterResponseAnswersThenClosesWithoutGoAway() throws Exception {
        start(Http2Options.defaults());
        server.enqueue(MockResponse.builder()
                .body("gone")
                .fault(Fault.CLOSE_AFTER_RESPONSE)
                .build());
        try (H2FrameClient c = new H2FrameClient(server)) {
            c.handshake();
            c.headers(1, "GET", "/", true);
            assertThat(c.response(1).bodyUtf8()).isEqualTo("gone");
            assertThat(c.closedByServer()).isTrue();
            assertThat(c.seen()).noneMatch(f -> f.type() == GOAWAY);
        }
    }

    @Test
    void disconnectAfterRequestHeadRecordsTheHeadAndDropsTheConnection() throws Exception {
        start(Http2Options.defaults());
        server.enqueue(MockResponse.builder()
                .fault(Fault.DISCONNECT_AFTER_REQUEST_HEAD)
                .build());
        try (H2FrameClient c = new H2FrameClient(server)) {
            c.handshake();
            c.headers(1, "POST", "/upload", false);
            assertThat(c.closedByServer()).isTrue();
            assertThat(c.seen()).noneMatch(f -> f.streamId() == 1);
        }
        RecordedRequest head = server.takeRequest();
        assertThat(head.path()).isEqualTo("/upload");
        assertThat(head.bodySize()).isZero();
    }

    @Test
    void disconnectAtStartDropsAKeptConnectionWhenTheNextStreamOpens() throws Exception {
        start(Http2Options.defaults());
        try (H2FrameClient c = new H2FrameClient(server)) {
            c.handshake();
            c.headers(1, "GET", "/get", true);
            assertThat(c.response(1).status()).isEqualTo(200);
            server.enqueue(
                    MockResponse.builder().fault(Fault.DISCONNECT_AT_START).build());
            c.headers(3, "GET", "/get", true);
            assertThat(c.closedByServer()).isTrue();
            assertThat(c.seen()).noneMatch(f -> f.streamId() == 3);
        }
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void respondBeforeBodyAnswersThenAsksTheClientToStopSendingWithNoError() throws Exception {
        start(Http2Options.defaults());
        server.enqueue(MockResponse.builder()
                .status(413)
                .fault(Fault.RESPOND_BEFORE_BODY)
                .build());
        try (H2FrameClient c = new H2FrameClient(server)) {
            c.handshake();
            c.headers(1, "POST", "/upload", false);
            H2FrameClient.Response r = c.response(1);
            assertThat(r.status()).isEqualTo(413);
            H2FrameClient.Frame reset = c.await(f -> f.type() == RST_STREAM && f.streamId() == 1);
            assertThat(reset.errorCode()).isEqualTo(Http2Error.NO_ERROR.code());
        }
        assertThat(server.takeRequest().bodySize()).isZero();
    }

    @Test
    void resetAbortsTheConnectionAfterReadingTheRequest() throws Exception {
        start(Http2Options.defaults());
        server.enqueue(MockResponse.builder().fault(Fault.RESET).build());
        try (H2FrameClient c = new H2FrameClient(server)) {
            c.handshake();
            c.headers(1, "POST", "/post", false).data(1, "x", true);
            assertThat(c.closedByServer()).isTrue();
            assertThat(c.seen()).noneMatch(f -> f.streamId() == 1 && (f.type() == HEADERS || f.type() == DATA));
        }
        assertThat(server.takeRequest().bodyUtf8()).isEqualTo("x");
    }

    @Test
    void rawBytesGoStraightOntoTheConnectionForScriptsThatWriteFramesThemselves() throws Exception {
        start(Http2Options.defaults());
        // A PING frame, written by the script rather than the codec.
        byte[] ping = {0, 0, 8, 6, 0, 0, 0, 0, 0, 9, 9, 9, 9, 9, 9, 9, 9};
        server.enqueue(MockResponse.builder().raw(ping).build());
        try (H2FrameClient c = new H2FrameClient(server)) {
            c.handshake();
            c.headers(1, "GET", "/", true);
            H2FrameClient.Frame f = c.await(x -> x.type() == PING);
            assertThat(f.payload()).containsOnly(9);
        }
    }

    private void awaitNoOpenConnection() throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (server.openConnectionCount() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(server.openConnectionCount()).isZero();
    }
}
