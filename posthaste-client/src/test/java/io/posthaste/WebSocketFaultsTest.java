package io.posthaste;

import static io.posthaste.WebSocketTest.next;
import static io.posthaste.WebSocketTest.recorded;
import static io.posthaste.WebSocketTest.ws;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posthaste.testing.TestServer;
import io.posthaste.testing.WebSocketEndpoint;
import io.posthaste.testing.WebSocketFault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A WebSocket server that misbehaves ends in a clean close with the code RFC 6455 asks for, never
 * a hang or unbounded memory: each {@link WebSocketFault}, and a server that does not read.
 */
class WebSocketFaultsTest {

    private TestServer server;
    private ClientSession session;

    @BeforeEach
    void start() {
        server = TestServer.start();
        session = ClientSession.create();
    }

    @AfterEach
    void stop() {
        session.close();
        server.close();
    }

    @Test
    void aMessageOverTheLimitClosesWith1009WhetherFragmentedCompressedOrNot() throws Exception {
        for (boolean compression : new boolean[] {true, false}) {
            // 64 MiB in 64 KiB fragments: the reassembly's limit.
            WebSocketEndpoint fragmented = WebSocketEndpoint.builder()
                    .fault(WebSocketFault.OVERSIZED_MESSAGE)
                    .build();
            // One frame over the limit: the frame decoder's limit, or inflation's when compressed.
            WebSocketEndpoint oneFrame =
                    WebSocketEndpoint.builder().binary(new byte[300_000]).build();
            for (WebSocketEndpoint endpoint : List.of(fragmented, oneFrame)) {
                server.mount("/big", endpoint);
                try (WebSocket ws = session.websocket(ws(server, "/big"))
                        .compression(compression)
                        .maxMessageSize(200_000)
                        .connect()) {
                    WebSocket.Message close = next(ws);
                    assertThat(close.closeCode())
                            .as("compression %s, %s", compression, endpoint)
                            .isEqualTo(1009);
                    ws.whenClosed().get(5, TimeUnit.SECONDS);
                }
                assertThat(recorded(endpoint::closeCodes))
                        .as("the server was told")
                        .containsExactly(1009);
            }
        }
    }

    @Test
    void aMessageOfExactlyTheLimitArrivesWhetherFragmentedCompressedOrNot() throws Exception {
        for (boolean compression : new boolean[] {true, false}) {
            server.mount(
                    "/limit",
                    WebSocketEndpoint.builder()
                            .binary(new byte[200_000])
                            .noEcho()
                            .build());
            server.mount(
                    "/frags",
                    WebSocketEndpoint.builder()
                            .textFragments("a".repeat(100_000), "b".repeat(100_000))
                            .noEcho()
                            .build());
            try (WebSocket one = session.websocket(ws(server, "/limit"))
                            .compression(compression)
                            .maxMessageSize(200_000)
                            .connect();
                    WebSocket fragmented = session.websocket(ws(server, "/frags"))
                            .compression(compression)
                            .maxMessageSize(200_000)
                            .connect()) {
                assertThat(next(one).buffer().remaining())
                        .as("compression %s", compression)
                        .isEqualTo(200_000);
                assertThat(next(fragmented).text()).hasSize(200_000);
            }
        }
    }

    @Test
    void aTextMessageThatIsNotUtf8ClosesWith1007() throws Exception {
        for (boolean compression : new boolean[] {true, false}) {
            WebSocketEndpoint bad = WebSocketEndpoint.builder()
                    .text("fine")
                    .fault(WebSocketFault.INVALID_UTF8)
                    .text("never seen")
                    .build();
            server.mount("/bad", bad);
            try (WebSocket ws = session.websocket(ws(server, "/bad"))
                    .compression(compression)
                    .connect()) {
                assertThat(next(ws).text()).isEqualTo("fine");
                WebSocket.Message close = next(ws);
                assertThat(close.closeCode()).isEqualTo(1007);
                assertThat(ws.receive()).isEqualTo(close);
            }
            assertThat(recorded(bad::closeCodes)).containsExactly(1007);
        }
    }

    /**
     * RFC 6455 sections 5.1 and 5.2: a frame only a client may send (masked), or one the protocol
     * reserves (a data or a control opcode, an RSV bit no negotiated extension defines), fails the
     * connection with 1002, with permessage-deflate negotiated or not. The close, naming what was
     * wrong, is the last message; nothing after the bad frame is delivered; the server is told 1002.
     */
    @Test
    void aFrameOnlyAClientMaySendOrThatTheProtocolReservesClosesWith1002() throws Exception {
        Map<WebSocketFault, String> named = Map.of(
                WebSocketFault.MASKED_FRAME, "masked",
                WebSocketFault.RESERVED_OPCODE, "reserved opcode 3",
                WebSocketFault.RESERVED_CONTROL_OPCODE, "reserved opcode 11",
                WebSocketFault.RESERVED_BITS, "RSV");
        for (Map.Entry<WebSocketFault, String> fault : named.entrySet()) {
            for (boolean compression : new boolean[] {true, false}) {
                WebSocketEndpoint bad = WebSocketEndpoint.builder()
                        .text("fine")
                        .fault(fault.getKey())
                        .text("never seen")
                        .build();
                server.mount("/bad", bad);
                try (WebSocket ws = session.websocket(ws(server, "/bad"))
                        .compression(compression)
                        .connect()) {
                    assertThat(next(ws).text()).isEqualTo("fine");
                    WebSocket.Message close = next(ws);
                    assertThat(close.closeCode())
                            .as("%s, compression %s", fault.getKey(), compression)
                            .isEqualTo(1002);
                    assertThat(close.closeReason()).contains(fault.getValue());
                    assertThat(ws.receive()).isEqualTo(close);
                }
                assertThat(recorded(bad::closeCodes))
                        .as("the server was told, %s, compression %s", fault.getKey(), compression)
                        .containsExactly(1002);
            }
        }
    }

    /**
     * RSV1 means "compressed" only where permessage-deflate was negotiated (RFC 7692 section 6):
     * the same compressed frame arrives as its text when it was, and fails the connection with
     * 1002 when the client did not offer it or the server declined it (RFC 6455 section 5.2).
     */
    @Test
    void aCompressedFrameClosesWith1002UnlessPermessageDeflateWasNegotiated() throws Exception {
        server.mount(
                "/negotiated",
                WebSocketEndpoint.builder().fault(WebSocketFault.DEFLATED_TEXT).build());
        try (WebSocket ws = session.websocket(ws(server, "/negotiated")).connect()) {
            assertThat(ws.isCompressed()).isTrue();
            assertThat(next(ws).text()).isEqualTo("deflated");
        }

        WebSocketEndpoint declined = WebSocketEndpoint.builder()
                .noCompression()
                .fault(WebSocketFault.DEFLATED_TEXT)
                .build();
        WebSocketEndpoint neverOffered =
                WebSocketEndpoint.builder().fault(WebSocketFault.DEFLATED_TEXT).build();
        for (WebSocketEndpoint endpoint : List.of(declined, neverOffered)) {
            server.mount("/deflated", endpoint);
            try (WebSocket ws = session.websocket(ws(server, "/deflated"))
                    .compression(endpoint == declined)
                    .connect()) {
                assertThat(ws.isCompressed()).isFalse();
                WebSocket.Message close = next(ws);
                assertThat(close.closeCode()).as(endpoint.toString()).isEqualTo(1002);
                assertThat(close.closeReason()).contains("RSV");
            }
            assertThat(recorded(endpoint::closeCodes)).containsExactly(1002);
        }
    }

    @Test
    void aConnectionThatEndsWithoutACloseFrameEndsWith1006SayingSo() throws Exception {
        server.mount(
                "/abrupt",
                WebSocketEndpoint.builder()
                        .text("one")
                        .fault(WebSocketFault.ABRUPT_CLOSE)
                        .build());
        try (WebSocket ws = session.websocket(ws(server, "/abrupt")).connect()) {
            assertThat(next(ws).text()).isEqualTo("one");
            WebSocket.Message close = next(ws);
            assertThat(close.closeCode()).isEqualTo(1006);
            assertThat(close.closeReason()).contains("without a close frame");
            assertThatThrownBy(() -> ws.sendText("anyone?").join())
                    .isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(ClientConnectionException.class)
                    .hasMessageContaining("closed (1006");
        }
    }

    @Test
    void aPingFloodIsAnsweredWithinBoundsAndTheNextMessageStillArrives() throws Exception {
        WebSocketEndpoint flood = WebSocketEndpoint.builder()
                .fault(WebSocketFault.PING_FLOOD)
                .text("after the flood")
                .build();
        server.mount("/flood", flood);
        try (WebSocket ws = session.websocket(ws(server, "/flood")).connect()) {
            assertThat(ws.receiveAsync().get(30, TimeUnit.SECONDS).text()).isEqualTo("after the flood");
            // Pings are not messages; each was answered unless the socket was full, then the latest.
            assertThat(flood.pongCount()).isBetween(1, WebSocketFault.PING_FLOOD_FRAMES);
            assertThat(ws.isOpen()).isTrue();
        }
    }

    /**
     * A ping flood from a server that reads nothing: 320,000 pings of 125 bytes, 40 MiB of pongs
     * owed that the socket cannot take. The client answers while the socket takes its pongs, then
     * keeps only the latest (RFC 6455 section 5.5.3): in a JVM whose heap is capped at 32 MiB and
     * direct memory at 16 MiB it reads the whole flood and the message after it, still open
     * ({@link PingFloodInACappedJvm}).
     */
    @Test
    void aPingFloodFromAServerThatReadsNothingCostsTheClientBoundedMemory() throws Exception {
        WebSocketEndpoint.Builder script = WebSocketEndpoint.builder().fault(WebSocketFault.STOP_READING);
        for (int i = 0; i < 32; i++) {
            script.fault(WebSocketFault.PING_FLOOD);
        }
        server.mount("/unread-flood", script.text("after the flood").build());
        CappedJvm.withHeapMiB(32).directMiB(16).run(PingFloodInACappedJvm.class, ws(server, "/unread-flood"));
    }

    /** The client side of {@link #aPingFloodFromAServerThatReadsNothingCostsTheClientBoundedMemory}. */
    static final class PingFloodInACappedJvm implements CappedJvm.Scenario {
        @Override
        public void run(String... args) throws Exception {
            try (ClientSession session = ClientSession.create();
                    WebSocket ws = session.websocket(args[0])
                            .closeTimeout(Duration.ofMillis(200))
                            .connect()) {
                assertThat(ws.receiveAsync().get(60, TimeUnit.SECONDS).text()).isEqualTo("after the flood");
                assertThat(ws.isOpen()).isTrue();
            }
        }
    }

    @Test
    void aServerThatNeverAnswersTheCloseIsDroppedAfterTheCloseTimeout() throws Exception {
        WebSocketEndpoint deaf =
                WebSocketEndpoint.builder().fault(WebSocketFault.NO_CLOSE_REPLY).build();
        server.mount("/deaf", deaf);
        WebSocket ws = session.websocket(ws(server, "/deaf"))
                .closeTimeout(Duration.ofMillis(300))
                .connect();
        long start = System.nanoTime();
        ws.close(1000, "bye").get(5, TimeUnit.SECONDS);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(millis).isBetween(250L, 3000L);
        WebSocket.Message close = next(ws);
        assertThat(close.closeCode()).isEqualTo(1006);
        assertThat(close.closeReason()).contains("did not answer the close within 300 ms");
        assertThat(recorded(deaf::closeCodes)).containsExactly(1000);
        // close() after the timeout returns at once.
        ws.close();
    }

    @Test
    void sendsToAServerThatStopsReadingFailFastOnceTheSendBufferIsFull() throws Exception {
        WebSocketEndpoint stuck = WebSocketEndpoint.builder()
                .fault(WebSocketFault.STOP_READING)
                .text("stopped")
                .build();
        server.mount("/stuck", stuck);
        int limit = 1024 * 1024;
        try (WebSocket ws = session.websocket(ws(server, "/stuck"))
                .compression(false)
                .sendBufferLimit(limit)
                .closeTimeout(Duration.ofMillis(200))
                .connect()) {
            assertThat(next(ws).text()).isEqualTo("stopped");
            byte[] noise = new byte[64 * 1024];
            new Random(1).nextBytes(noise);
            List<CompletableFuture<Void>> sends = new ArrayList<>();
            CompletableFuture<Void> refused = null;
            // Socket buffers take some megabytes first; then the limit holds what waits.
            for (int i = 0; i < 4096 && refused == null; i++) {
                CompletableFuture<Void> send = ws.sendBinary(noise);
                if (send.isCompletedExceptionally()) {
                    refused = send;
                } else {
                    sends.add(send);
                }
                assertThat(ws.pendingBytes()).isLessThanOrEqualTo(limit);
            }
            assertThat(refused)
                    .as("a send was refused before 256 MiB were buffered")
                    .isNotNull();
            assertThatThrownBy(refused::join)
                    .hasCauseInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("send buffer is full");
            assertThat(sends.get(sends.size() - 1)).isNotDone();
            // The WebSocket is still open: the refusal is back-pressure, not a failure.
            assertThat(ws.isOpen()).isTrue();
        }
    }

    @Test
    void keepAlivePingsFindAServerThatStoppedAnswering() throws Exception {
        server.mount(
                "/hung",
                WebSocketEndpoint.builder().fault(WebSocketFault.STOP_READING).build());
        try (WebSocket ws = session.websocket(ws(server, "/hung"))
                .pingInterval(Duration.ofMillis(100))
                .closeTimeout(Duration.ofMillis(200))
                .connect()) {
            WebSocket.Message close = next(ws);
            assertThat(close.closeCode()).isEqualTo(1006);
            assertThat(close.closeReason()).contains("answered no ping within 100 ms");
        }
    }
}
