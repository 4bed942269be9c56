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
import static io.posthaste.testing.H2FrameClient.SETTINGS_MAX_HEADER_LIST_SIZE;
import static io.posthaste.testing.H2FrameClient.WINDOW_UPDATE;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http2.Http2Error;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
    void aPingFloodSendsExactlyFloodFramesPingsThenStops() throws Exception {
        start(Http2Options.defaults());
        server.enqueue(MockResponse.builder().http2Fault(Http2Fault.PING_FLOOD).build());
        try (H2FrameClient c = new H2FrameClient(server)) {
            c.handshake();
            c.await(f -> f.type() == SETTINGS && f.has(ACK));
            c.headers(1, "GET", "/", true);
            for (int i = 0; i < Http2Fault.FLOOD_FRAMES; i++) {
                H2FrameClient.Frame f = c.next();
                assertThat(f.type()).isEqualTo(PING);
                assertThat(f.has(ACK)).as("a PING to answer, not an answer").isFalse();
                assertThat(f.payload()).hasSize(8);
            }
            c.frame(PING, 0, 0, PING_DATA); // whatever comes next is the answer to this
            H2FrameClient.Frame answer = c.next();
            assertThat(answer.type()).isEqualTo(PING);
            assertThat(answer.payload()).isEqualTo(PING_DATA);
        }
    }

    @Test
    void anEmptyDataFloodBeginsAnAnswerAndNeverEndsIt() throws Exception {
        start(Http2Options.defaults());
        server.enqueue(
                MockResponse.builder().http2Fault(Http2Fault.EMPTY_DATA_FLOOD).build());
        try (H2FrameClient c = new H2FrameClient(server)) {
            c.handshake();
            c.await(f -> f.type() == SETTINGS && f.has(ACK)); // so that only the flood follows
            c.headers(1, "GET", "/", true);
            H2FrameClient.Frame headers = c.await(f -> f.type() == HEADERS);
            assertThat(headers.streamId()).isEqualTo(1);
            assertThat(headers.has(END_HEADERS)).isTrue();
            assertThat(headers.has(END_STREAM)).isFalse();
            for (int i = 0; i < 5_000; i++) {
                H2FrameClient.Frame f = c.next();
                assertThat(f.type()).isEqualTo(DATA);
                assertThat(f.streamId()).isEqualTo(1);
                assertThat(f.payload()).isEmpty();
                assertThat(f.has(END_STREAM)).isFalse();
            }
        }
        awaitNoOpenConnection();
    }

    @Test
    void anHpackBombIsASmallHeaderBlockThatDecodesToAHugeListAndLeavesTheTablesInStep() throws Exception {
        start(Http2Options.defaults());
        server.enqueue(MockResponse.builder().http2Fault(Http2Fault.HPACK_BOMB).build());
        try (H2FrameClient c = new H2FrameClient(server)) {
            c.handshake(SETTINGS_MAX_HEADER_LIST_SIZE, 16 * 1024); // advisory: sent anyway
            c.headers(1, "GET", "/", true);
            H2FrameClient.Response bomb = c.response(1);
            assertThat(bomb.status()).isEqualTo(200);
            List<CharSequence> values = bomb.headers().getAll("x-bomb");
            assertThat(values).hasSize(Http2Fault.HPACK_BOMB_REFERENCES);
            assertThat(values).allMatch(v -> v.length() == Http2Fault.HPACK_BOMB_VALUE_BYTES);
            long block = c.seen().stream()
                    .filter(f -> f.streamId() == 1 && (f.type() == HEADERS || f.type() == CONTINUATION))
                    .mapToLong(f -> f.payload().length)
                    .sum();
            long decoded = (long) Http2Fault.HPACK_BOMB_REFERENCES * (6 + Http2Fault.HPACK_BOMB_VALUE_BYTES + 32);
            assertThat(decoded).as("RFC 9113 section 6.5.2's size").isGreaterThan(120L << 20);
            assertThat(block).as("the compressed block").isLessThan(40 * 1024);
            c.headers(3, "GET", "/get", true); // our table still decodes the server's next answer
            assertThat(c.response(3).status()).isEqualTo(200);
        }
    }

    @Test
    void aHeaderListOverTheClientsAdvisoryLimitIsSentAsScripted() throws Exception {
        start(Http2Options.defaults());
        server.enqueue(MockResponse.builder()
                .header("X-Big", "v".repeat(16 * 1024))
                .body("x")
                .build());
        try (H2FrameClient c = new H2FrameClient(server)) {
            c.handshake(SETTINGS_MAX_HEADER_LIST_SIZE, 1024);
            c.headers(1, "GET", "/", true);
            H2FrameClient.Response r = c.response(1);
            assertThat(r.header("x-big")).hasSize(16 * 1024);
            assertThat(r.bodyUtf8()).isEqualTo("x");
        }
    }

    @Test
    void framesAfterEndStreamFollowTheScriptedAnswerOnItsStream() throws Exception {
        start(Http2Options.defaults());
        server.enqueue(MockResponse.builder()
                .status(201)
                .header("X-Answer", "first")
                .body("first")
                .http2Fault(Http2Fault.FRAMES_AFTER_END_STREAM)
                .build());
        try (H2FrameClient c = new H2FrameClient(server)) {
            c.handshake();
            c.headers(1, "GET", "/", true);
            H2FrameClient.Response r = c.response(1);
            assertThat(r.status()).isEqualTo(201);
            assertThat(r.header("x-answer")).isEqualTo("first");
            assertThat(r.bodyUtf8()).isEqualTo("first");
            H2FrameClient.Frame data = c.await(f -> f.streamId() == 1);
            assertThat(data.type()).isEqualTo(DATA);
            assertThat(new String(data.payload(), StandardCharsets.US_ASCII)).isEqualTo("stray");
            assertThat(data.has(END_STREAM)).isFalse();
            H2FrameClient.Frame headers = c.await(f -> f.streamId() == 1);
            assertThat(headers.type()).isEqualTo(HEADERS);
            assertThat(headers.flags()).isEqualTo(END_HEADERS | END_STREAM);
            c.headers(3, "GET", "/get", true); // HPACK's tables are still in step
            assertThat(c.response(3).status()).isEqualTo(200);
        }
    }

    @Test
    void anAnswerOnTheNextStreamFollowsTheScriptedAnswerBeforeThatStreamIsOpened() throws Exception {
        start(Http2Options.defaults());
        server.enqueue(MockResponse.builder()
                .body("first")
                .http2Fault(Http2Fault.ANSWER_ON_THE_NEXT_STREAM)
                .build());
        try (H2FrameClient c = new H2FrameClient(server)) {
            c.handshake();
            c.headers(1, "GET", "/", true);
            assertThat(c.response(1).bodyUtf8()).isEqualTo("first");
            H2FrameClient.Response stray = c.response(3); // never opened by this client
            assertThat(stray.status()).isEqualTo(200);
            assertThat(stray.bodyUtf8()).isEqualTo("stray");
        }
        assertThat(server.requestCount()).isEqualTo(1);
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
