package io.posthaste.testing;

import static io.posthaste.testing.H2FrameClient.ACK;
import static io.posthaste.testing.H2FrameClient.DATA;
import static io.posthaste.testing.H2FrameClient.GOAWAY;
import static io.posthaste.testing.H2FrameClient.PING;
import static io.posthaste.testing.H2FrameClient.RST_STREAM;
import static io.posthaste.testing.H2FrameClient.SETTINGS;
import static io.posthaste.testing.H2FrameClient.SETTINGS_INITIAL_WINDOW_SIZE;
import static io.posthaste.testing.H2FrameClient.SETTINGS_MAX_CONCURRENT_STREAMS;
import static io.posthaste.testing.H2FrameClient.WINDOW_UPDATE;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http2.Http2Error;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The connection-wide HTTP/2 faults of {@link Http2Options}, seen frame by frame from the client's side. */
class Http2ConnectionFaultTest {

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

    @Test
    void goAwayAfterStreamsNamesTheLastStreamProcessedAndRefusesTheLaterOnes() throws Exception {
        start(Http2Options.builder().goAwayAfterStreams(2).build());
        try (H2FrameClient c = new H2FrameClient(server)) {
            c.handshake();
            c.headers(1, "GET", "/get", true).headers(3, "GET", "/get", true).headers(5, "GET", "/get", true);
            H2FrameClient.Frame goAway = c.await(f -> f.type() == GOAWAY);
            assertThat(goAway.lastStreamId()).isEqualTo(3);
            assertThat(goAway.errorCode()).isEqualTo(Http2Error.NO_ERROR.code());
            assertThat(c.response(1).status()).isEqualTo(200);
            assertThat(c.response(3).status()).isEqualTo(200);
            assertThat(c.closedByServer()).isTrue(); // once streams 1 and 3 are done
            // Stream 5 is refused if the server reads it before it closes, and never answered.
            assertThat(c.seen())
                    .filteredOn(f -> f.streamId() == 5)
                    .allMatch(f -> f.type() == RST_STREAM && f.errorCode() == Http2Error.REFUSED_STREAM.code());
        }
        assertThat(server.requestCount()).isEqualTo(2); // stream 5 never reached the routes
        assertThat(server.takeRequest().streamId()).isEqualTo(1);
        assertThat(server.takeRequest().streamId()).isEqualTo(3);
    }

    @Test
    void aTinyInitialWindowIsAdvertisedAndReturnedByteByByte() throws Exception {
        start(Http2Options.builder().initialWindowSize(1).build());
        try (H2FrameClient c = new H2FrameClient(server)) {
            assertThat(c.handshake()).containsEntry(SETTINGS_INITIAL_WINDOW_SIZE, 1L);
            c.await(f -> f.type() == SETTINGS && f.has(ACK)); // the window applies from the server's ACK on
            c.headers(1, "POST", "/post", false);
            for (String b : new String[] {"a", "b"}) {
                c.data(1, b, false);
                H2FrameClient.Frame update = c.await(f -> f.type() == WINDOW_UPDATE && f.streamId() == 1);
                assertThat(update.windowIncrement()).isEqualTo(1);
            }
            c.data(1, "c", true);
            assertThat(c.response(1).status()).isEqualTo(200);
        }
        assertThat(server.takeRequest().chunkSizes()).containsExactly(1, 1, 1);
    }

    @Test
    void bytesSentBeforeAShrinkingWindowAppliedAreReturnedOnceItDoes() throws Exception {
        start(Http2Options.builder().initialWindowSize(1024).build());
        try (H2FrameClient c = new H2FrameClient(server)) {
            c.preface(); // the server's SETTINGS stay unacknowledged: the 65,535-byte window holds
            c.headers(1, "POST", "/sink", false); // a short answer: this client returns no window
            for (int i = 0; i < 4; i++) {
                c.frame(DATA, 0, 1, new byte[15_000]);
            }
            long before =
                    c.await(f -> f.type() == WINDOW_UPDATE && f.streamId() == 1).windowIncrement();
            c.frame(SETTINGS, ACK, 0, new byte[0]); // now the window is 1,024, and overdrawn
            long after =
                    c.await(f -> f.type() == WINDOW_UPDATE && f.streamId() == 1).windowIncrement();
            // Exactly the new window is open again: 65,535 - sent + updates + (1,024 - 65,535).
            assertThat(65_535 - 60_000 + before + after + (1_024 - 65_535)).isEqualTo(1_024);
            c.data(1, "end", true);
            assertThat(c.response(1).status()).isEqualTo(200);
        }
        assertThat(server.takeRequest().bodySize()).isEqualTo(60_003);
    }

    @Test
    void maxConcurrentStreamsOfOneRefusesASecondOpenStream() throws Exception {
        start(Http2Options.builder().maxConcurrentStreams(1).build());
        try (H2FrameClient c = new H2FrameClient(server)) {
            assertThat(c.handshake()).containsEntry(SETTINGS_MAX_CONCURRENT_STREAMS, 1L);
            c.await(f -> f.type() == SETTINGS && f.has(ACK));
            c.headers(1, "POST", "/post", false); // open: its body is still to come
            c.headers(3, "GET", "/get", true);
            assertThat(c.response(3).resetCode()).isEqualTo(Http2Error.REFUSED_STREAM.code());
            c.data(1, "done", true);
            assertThat(c.response(1).status()).isEqualTo(200);
            c.headers(5, "GET", "/get", true); // stream 1 is closed: room again
            assertThat(c.response(5).status()).isEqualTo(200);
        }
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void aServerThatNeverAcksSettingsStillAnswersButSendsNoAck() throws Exception {
        start(Http2Options.builder().neverAckSettings().build());
        try (H2FrameClient c = new H2FrameClient(server)) {
            c.handshake();
            c.headers(1, "GET", "/get", true);
            assertThat(c.response(1).status()).isEqualTo(200);
            assertThat(c.seen()).noneMatch(f -> f.type() == SETTINGS && f.has(ACK));
        }
    }

    @Test
    void aWellBehavedServerAcksSettingsAndPings() throws Exception {
        start(Http2Options.defaults());
        try (H2FrameClient c = new H2FrameClient(server)) {
            c.handshake();
            c.await(f -> f.type() == SETTINGS && f.has(ACK));
            c.frame(PING, 0, 0, PING_DATA);
            assertThat(c.await(f -> f.type() == PING).payload()).isEqualTo(PING_DATA);
        }
    }

    @Test
    void aServerThatNeverAnswersPingsLeavesThemUnanswered() throws Exception {
        start(Http2Options.builder().neverAnswerPings().build());
        try (H2FrameClient c = new H2FrameClient(server)) {
            c.handshake();
            c.frame(PING, 0, 0, PING_DATA);
            c.headers(1, "GET", "/get", true); // answered after any PING ACK would have been
            assertThat(c.response(1).status()).isEqualTo(200);
            assertThat(c.seen()).noneMatch(f -> f.type() == PING);
        }
    }
}
