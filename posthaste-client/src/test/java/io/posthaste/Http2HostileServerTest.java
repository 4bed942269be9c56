package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http2.Http2Error;
import io.posthaste.testing.Http2Fault;
import io.posthaste.testing.Http2Options;
import io.posthaste.testing.MockResponse;
import io.posthaste.testing.TestServer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Hostile HTTP/2 servers (security): each attack ends in a connection error within a bounded
 * time, with memory bounded by the codec's and our limits; the call fails with a
 * {@link ClientConnectionException} naming the HTTP/2 error, and the connection leaves the pool
 * (the leak checker sees no buffer, socket or thread left behind).
 */
class Http2HostileServerTest {

    /** Far less than the floods would take to run their course, far more than noticing takes. */
    private static final long BOUND_MILLIS = 3000;

    private static ClientSession session() {
        return ClientSession.builder()
                .protocols(Protocol.H2_PRIOR_KNOWLEDGE)
                .timeouts(Timeouts.builder().read(Duration.ofMillis(500)).build())
                .build();
    }

    private static void assertConnectionErrorWithinBound(TestServer server, ClientSession session, String error)
            throws InterruptedException {
        long start = System.nanoTime();
        assertThatThrownBy(() -> session.get(server.url("/attack")).send())
                .isInstanceOf(ClientConnectionException.class)
                .hasMessageContaining("HTTP/2 connection error " + error);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(BOUND_MILLIS);
        awaitNoConnection(session);
    }

    private static void awaitNoConnection(ClientSession session) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (session.poolStats().idle() + session.poolStats().leased() > 0) {
            assertThat(System.nanoTime())
                    .as("the connection left the pool: " + session.poolStats())
                    .isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    /**
     * CVE-2024-27316 / CVE-2024-24549 (the CONTINUATION flood): a header block that never ends,
     * one tiny CONTINUATION after another. Netty cuts it off after a few small fragments
     * (ENHANCE_YOUR_CALM), long before the header list limit, so the block held stays tiny.
     */
    @Test
    void aContinuationFloodIsAConnectionErrorNotAnEndlessHeaderBlock() throws Exception {
        try (TestServer server = TestServer.builder().http2().start();
                ClientSession session = session()) {
            server.enqueue(MockResponse.builder()
                    .http2Fault(Http2Fault.CONTINUATION_FLOOD)
                    .build());
            assertConnectionErrorWithinBound(server, session, "ENHANCE_YOUR_CALM");
        }
    }

    /**
     * CVE-2019-9515 (SETTINGS flood): every SETTINGS frame costs an ACK. Netty bounds only the
     * ACKs left unwritten; our own limit ({@code H2Frames.MAX_CONTROL_FRAMES} per 10 s) ends a
     * peer that reads its ACKs too.
     */
    @Test
    void aSettingsFloodIsAConnectionErrorAfterAThousandFrames() throws Exception {
        try (TestServer server = TestServer.builder().http2().start();
                ClientSession session = session()) {
            server.enqueue(
                    MockResponse.builder().http2Fault(Http2Fault.SETTINGS_FLOOD).build());
            assertConnectionErrorWithinBound(server, session, "ENHANCE_YOUR_CALM");
        }
    }

    /**
     * RFC 9113 section 6.9.1: a WINDOW_UPDATE that takes the connection's send window past
     * 2^31-1 is a connection error of type FLOW_CONTROL_ERROR.
     */
    @Test
    void aWindowOverflowIsAFlowControlConnectionError() throws Exception {
        try (TestServer server = TestServer.builder().http2().start();
                ClientSession session = session()) {
            server.enqueue(MockResponse.builder()
                    .http2Fault(Http2Fault.WINDOW_OVERFLOW)
                    .build());
            assertConnectionErrorWithinBound(server, session, "FLOW_CONTROL_ERROR");
        }
    }

    /**
     * CVE-2023-44487 (rapid reset), from the server's side: a server that resets every stream
     * keeps a client busy opening them. Each reset fails its call naming the code, a refused
     * stream goes again a bounded number of times (eight), and past 200 resets in 30 s the connection is cut off
     * (ENHANCE_YOUR_CALM): the client neither loops nor keeps the connection.
     */
    @Test
    void aServerThatResetsEveryStreamIsCutOffAndNeverRetriedInALoop() throws Exception {
        try (TestServer server = TestServer.builder()
                        .http2()
                        .dispatcher(request -> MockResponse.builder()
                                .resetStream(
                                        request.path().startsWith("/refused")
                                                ? Http2Error.REFUSED_STREAM
                                                : Http2Error.INTERNAL_ERROR)
                                .build())
                        .start();
                ClientSession session = session()) {
            assertThatThrownBy(() -> session.post(server.url("/refused"))
                            .body("x", "text/plain")
                            .send())
                    .hasMessageContaining("REFUSED_STREAM");
            assertThat(server.requestCount())
                    .as("the first try and eight more, no loop")
                    .isEqualTo(9);

            long start = System.nanoTime();
            int calmed = 0;
            for (int i = 0; i < 250; i++) {
                try {
                    session.get(server.url("/reset/" + i)).send();
                } catch (ClientConnectionException e) {
                    if (e.getMessage().contains("ENHANCE_YOUR_CALM")) {
                        calmed++;
                    } else {
                        assertThat(e.getMessage()).contains("INTERNAL_ERROR");
                    }
                }
            }
            assertThat(calmed)
                    .as("the connection was cut off past the reset limit")
                    .isPositive();
            assertThat(server.connectionCount()).isGreaterThan(1);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(10 * BOUND_MILLIS);
        }
    }

    /**
     * RFC 9113 section 6.5.3: a server that never acknowledges our SETTINGS (so never applies
     * our limits) is a connection error of type SETTINGS_TIMEOUT once the read timeout passed,
     * even for a call that would have waited longer.
     */
    @Test
    void aServerThatNeverAcknowledgesOurSettingsTimesOut() throws Exception {
        try (TestServer server = TestServer.builder()
                        .http2(Http2Options.builder().neverAckSettings().build())
                        .start();
                ClientSession session = session()) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> session.get(server.url("/delay/3"))
                            .timeouts(Timeouts.builder()
                                    .read(Duration.ofSeconds(10))
                                    .build())
                            .send())
                    .isInstanceOf(ClientConnectionException.class)
                    .hasMessageContaining("HTTP/2 connection error SETTINGS_TIMEOUT");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(BOUND_MILLIS);
            awaitNoConnection(session);
        }
    }
}
