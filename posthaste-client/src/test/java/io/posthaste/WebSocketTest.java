package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posthaste.testing.TestServer;
import io.posthaste.testing.WebSocketEndpoint;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link ClientSession#websocket}: messages both ways, fragments, the close handshake, receiving. */
class WebSocketTest {

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

    /** The next message, or a failed test rather than a hung one. */
    static WebSocket.Message next(WebSocket ws) throws Exception {
        return ws.receiveAsync().get(10, TimeUnit.SECONDS);
    }

    /** What {@code recording} returns once it is not empty, within 5 s: the server records after the client is done. */
    static <T> List<T> recorded(java.util.function.Supplier<List<T>> recording) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (recording.get().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return recording.get();
    }

    static String ws(TestServer server, String path) {
        return server.url(path).replaceFirst("^http", "ws");
    }

    @Test
    void textAndBinaryMessagesAreEchoedInOrder() throws Exception {
        server.mount("/echo", WebSocketEndpoint.echo());
        try (WebSocket ws = session.websocket(ws(server, "/echo")).connect()) {
            ws.sendText("hello").get(5, TimeUnit.SECONDS);
            ws.sendBinary(new byte[] {1, 2, 3}).get(5, TimeUnit.SECONDS);
            ws.sendText("héllo wörld ✓");
            WebSocket.Message text = ws.receive();
            assertThat(text.isText()).isTrue();
            assertThat(text.text()).isEqualTo("hello");
            WebSocket.Message binary = ws.receive();
            assertThat(binary.isBinary()).isTrue();
            assertThat(binary.bytes()).containsExactly(1, 2, 3);
            assertThat(next(ws).text()).isEqualTo("héllo wörld ✓");
        }
    }

    @Test
    void aMessageSentInFragmentsArrivesWhole() throws Exception {
        server.mount(
                "/frags",
                WebSocketEndpoint.builder()
                        .textFragments("hel", "lo ", "wörld")
                        .text("next")
                        .noEcho()
                        .build());
        try (WebSocket ws = session.websocket(ws(server, "/frags")).connect()) {
            assertThat(next(ws).text()).isEqualTo("hello wörld");
            assertThat(next(ws).text()).isEqualTo("next");
        }
    }

    @Test
    void aMessageOfManyFragmentsUpToTheLimitArrivesWholeWithAndWithoutCompression() throws Exception {
        // The oversized message is 64 MiB of 64 KiB fragments; with a limit above it, all of it arrives.
        for (boolean compression : new boolean[] {true, false}) {
            server.mount(
                    "/big",
                    WebSocketEndpoint.builder()
                            .fault(io.posthaste.testing.WebSocketFault.OVERSIZED_MESSAGE)
                            .noEcho()
                            .build());
            try (WebSocket ws = session.websocket(ws(server, "/big"))
                    .compression(compression)
                    .maxMessageSize(io.posthaste.testing.WebSocketFault.OVERSIZED_MESSAGE_BYTES)
                    .connect()) {
                WebSocket.Message big = ws.receiveAsync().get(60, TimeUnit.SECONDS);
                assertThat(big.buffer().remaining())
                        .isEqualTo(io.posthaste.testing.WebSocketFault.OVERSIZED_MESSAGE_BYTES);
                assertThat(ws.isCompressed()).isEqualTo(compression);
            }
        }
    }

    @Test
    void closeSendsTheCodeAndReasonAndEndsWithTheServersAnswer() throws Exception {
        WebSocketEndpoint echo = WebSocketEndpoint.echo();
        server.mount("/echo", echo);
        WebSocket ws = session.websocket(ws(server, "/echo")).connect();
        ws.sendText("before");
        CompletableFuture<Void> closed = ws.close(4001, "done here");
        assertThat(ws.isOpen()).isFalse();
        closed.get(5, TimeUnit.SECONDS);
        // Messages the server sent before its answer are still received, then the close.
        assertThat(next(ws).text()).isEqualTo("before");
        WebSocket.Message close = next(ws);
        assertThat(close.isClose()).isTrue();
        assertThat(close.closeCode()).isEqualTo(4001);
        assertThat(close.closeReason()).isEqualTo("done here");
        // The close is the last message, for every later receive too.
        assertThat(ws.receive()).isEqualTo(close);
        assertThat(recorded(echo::closeCodes)).containsExactly(4001);
        assertThatThrownBy(() -> ws.sendText("after").join())
                .hasCauseInstanceOf(ClientConnectionException.class)
                .hasMessageContaining("closed (4001 done here)");
        ws.close();
    }

    @Test
    void theServersCloseIsAnsweredWithItsCodeAndIsTheLastMessage() throws Exception {
        WebSocketEndpoint closing = WebSocketEndpoint.builder()
                .text("bye soon")
                .close(4321, "server done")
                .build();
        server.mount("/closing", closing);
        try (WebSocket ws = session.websocket(ws(server, "/closing")).connect()) {
            assertThat(next(ws).text()).isEqualTo("bye soon");
            WebSocket.Message close = next(ws);
            assertThat(close.closeCode()).isEqualTo(4321);
            assertThat(close.closeReason()).isEqualTo("server done");
            ws.whenClosed().get(5, TimeUnit.SECONDS);
            assertThat(ws.isOpen()).isFalse();
        }
        assertThat(recorded(closing::closeCodes)).containsExactly(4321);
    }

    @Test
    void closeWithoutArgumentsClosesNormallyAndWaits() throws Exception {
        WebSocketEndpoint echo = WebSocketEndpoint.echo();
        server.mount("/echo", echo);
        WebSocket ws = session.websocket(ws(server, "/echo")).connect();
        ws.close();
        assertThat(ws.whenClosed()).isDone();
        assertThat(recorded(echo::closeCodes)).containsExactly(1000);
        ws.close();
        assertThat(echo.closeCodes()).containsExactly(1000);
    }

    @Test
    void closeCodesThatOnlyReportWhatHappenedCannotBeSent() throws Exception {
        server.mount("/echo", WebSocketEndpoint.echo());
        try (WebSocket ws = session.websocket(ws(server, "/echo")).connect()) {
            for (int code : new int[] {999, 1004, 1005, 1006, 1015, 2000, 5000}) {
                assertThatThrownBy(() -> ws.close(code, ""))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining(String.valueOf(code));
            }
            assertThatThrownBy(() -> ws.close(1000, "x".repeat(124))).isInstanceOf(IllegalArgumentException.class);
            assertThat(ws.isOpen()).isTrue();
        }
    }

    @Test
    void asyncReceiversAreServedInOrderOnTheCallbackExecutorNeverAnIoThread() throws Exception {
        server.mount("/echo", WebSocketEndpoint.echo());
        try (WebSocket ws = session.websocket(ws(server, "/echo")).connect()) {
            AtomicReference<String> thread = new AtomicReference<>();
            CompletableFuture<WebSocket.Message> first = ws.receiveAsync();
            CompletableFuture<WebSocket.Message> second = ws.receiveAsync();
            CompletableFuture<String> seen = first.thenApply(m -> {
                thread.set(Thread.currentThread().getName());
                return m.text();
            });
            ws.sendText("one");
            ws.sendText("two");
            assertThat(seen.get(5, TimeUnit.SECONDS)).isEqualTo("one");
            assertThat(second.get(5, TimeUnit.SECONDS).text()).isEqualTo("two");
            assertThat(thread.get()).doesNotStartWith("posthaste-io");
        }
    }

    @Test
    void aCancelledReceiverGivesItsPlaceUpAndNoMessageIsLost() throws Exception {
        server.mount("/echo", WebSocketEndpoint.echo());
        try (WebSocket ws = session.websocket(ws(server, "/echo")).connect()) {
            CompletableFuture<WebSocket.Message> abandoned = ws.receiveAsync();
            assertThat(abandoned.cancel(false)).isTrue();
            ws.sendText("kept");
            assertThat(next(ws).text()).isEqualTo("kept");
        }
    }

    @Test
    void anInterruptedReceiveRaisesCancellationAndKeepsTheFlag() throws Exception {
        server.mount("/echo", WebSocketEndpoint.echo());
        try (WebSocket ws = session.websocket(ws(server, "/echo")).connect()) {
            Thread.currentThread().interrupt();
            assertThatThrownBy(ws::receive).isInstanceOf(java.util.concurrent.CancellationException.class);
            assertThat(Thread.interrupted()).isTrue();
            ws.sendText("still here");
            assertThat(next(ws).text()).isEqualTo("still here");
        }
    }

    @Test
    void aSlowReceiverGetsEveryMessageInOrderWhileReadingPausesAndResumes() throws Exception {
        WebSocketEndpoint echo = WebSocketEndpoint.echo();
        server.mount("/echo", echo);
        int size = 64 * 1024;
        try (WebSocket ws = session.websocket(ws(server, "/echo"))
                .maxMessageSize(256 * 1024)
                .compression(false)
                .connect()) {
            // 8 MiB echoed while nobody receives: the client stops reading past its limit (InboxTest
            // proves the bound), and must resume as the messages are taken.
            List<CompletableFuture<Void>> sends = new ArrayList<>();
            for (int i = 0; i < 128; i++) {
                byte[] payload = new byte[size];
                payload[0] = (byte) i;
                sends.add(ws.sendBinary(payload));
            }
            Thread.sleep(300);
            for (int i = 0; i < 128; i++) {
                assertThat(next(ws).bytes()[0]).isEqualTo((byte) i);
            }
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theSessionClosingEndsAnOpenWebSocketWith1006() throws Exception {
        server.mount("/echo", WebSocketEndpoint.echo());
        WebSocket ws = session.websocket(ws(server, "/echo")).connect();
        session.close();
        WebSocket.Message close = next(ws);
        assertThat(close.closeCode()).isEqualTo(1006);
        assertThat(close.closeReason()).contains("session was closed");
        assertThat(ws.isOpen()).isFalse();
    }

    @Test
    void aMessageSaysWhatItIsAndRefusesWhatItIsNot() {
        WebSocket.Message text = WebSocket.Message.text("hi");
        WebSocket.Message binary = WebSocket.Message.binary(new byte[] {7});
        WebSocket.Message close = WebSocket.Message.close(1000, "bye");
        assertThat(text.bytes()).isEqualTo("hi".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(binary::text)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("bytes()");
        assertThatThrownBy(text::closeCode).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(close::text).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(close::bytes).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(text::buffer).isInstanceOf(IllegalStateException.class);
        assertThat(binary.buffer().isReadOnly()).isTrue();
        byte[] copy = binary.bytes();
        copy[0] = 0;
        assertThat(binary.bytes()).containsExactly(7);
        assertThat(close).hasToString("Message[close 1000 bye]");
        assertThatThrownBy(() -> WebSocket.Message.close(999, "")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void waitingForAMessageTimesOutOnlyWhereTheCallerSaysSo() throws Exception {
        server.mount("/quiet", WebSocketEndpoint.builder().noEcho().build());
        try (WebSocket ws = session.websocket(ws(server, "/quiet")).connect()) {
            // An open WebSocket has no read timeout: quiet is not broken.
            assertThatThrownBy(() -> ws.receiveAsync().get(300, TimeUnit.MILLISECONDS))
                    .isInstanceOf(TimeoutException.class);
            assertThat(ws.isOpen()).isTrue();
        }
    }

    @Test
    void aQuietWebSocketWithKeepAlivePingsStaysOpen() throws Exception {
        server.mount("/echo", WebSocketEndpoint.echo());
        try (WebSocket ws = session.websocket(ws(server, "/echo"))
                .pingInterval(Duration.ofMillis(50))
                .connect()) {
            Thread.sleep(400);
            assertThat(ws.isOpen()).isTrue();
            ws.sendText("alive");
            assertThat(next(ws).text()).isEqualTo("alive");
        }
    }
}
