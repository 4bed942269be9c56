package io.posthaste.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each scripted WebSocket behaviour, seen by a real client: the JDK's {@link WebSocket}. */
class WebSocketEndpointTest {

    private static final WebSocketEndpoint ECHO = WebSocketEndpoint.echo();

    @RegisterExtension
    static TestServerExtension extension = TestServerExtension.perClass().mount("/echo", ECHO);

    @Test
    void theEchoEndpointSendsEveryMessageBackAndAnswersTheCloseWithItsCode() throws Exception {
        Recorder recorder = new Recorder();
        WebSocket ws = connect("/echo", recorder);
        ws.sendText("hello", true).join();
        ws.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).join();
        ws.sendText("frag", false).join();
        ws.sendText("mented", true).join();
        ws.sendClose(4001, "bye").join();
        assertThat(recorder.closed.get(5, TimeUnit.SECONDS)).isEqualTo(4001);
        assertThat(recorder.messages).containsExactly("hello", "binary:3", "fragmented");
        assertThat(ECHO.messages()).containsSubsequence("hello", "binary:3", "fragmented");
        assertThat(ECHO.closeCodes()).contains(4001);
    }

    @Test
    void permessageDeflateIsAcceptedWhenOfferedAndRefusedWhenTurnedOff() throws Exception {
        TestServer server = extension.server();
        server.mount("/plain", WebSocketEndpoint.builder().noCompression().build());
        for (String path : List.of("/echo", "/plain")) {
            try (RawClient raw = new RawClient(server)) {
                RawClient.Response answer = raw.send(
                                handshake(path, "Sec-WebSocket-Extensions: permessage-deflate\r\n"))
                        .read(true);
                assertThat(answer.status()).isEqualTo(101);
                assertThat(answer.header("Sec-WebSocket-Accept")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
                if (path.equals("/echo")) {
                    assertThat(answer.header("Sec-WebSocket-Extensions")).startsWith("permessage-deflate");
                } else {
                    assertThat(answer.header("Sec-WebSocket-Extensions")).isNull();
                }
            }
        }
        assertThat(ECHO.offeredExtensions()).contains("permessage-deflate");
    }

    @Test
    void scriptedFramesArriveInOrderThenTheServerCloses() throws Exception {
        extension
                .server()
                .mount(
                        "/script",
                        WebSocketEndpoint.builder()
                                .text("welcome")
                                .textFragments("hel", "lo")
                                .binary(new byte[] {9})
                                .ping("are you there")
                                .pause(Duration.ofMillis(50))
                                .close(4000, "done")
                                .build());
        Recorder recorder = new Recorder();
        connect("/script", recorder);
        assertThat(recorder.closed.get(5, TimeUnit.SECONDS)).isEqualTo(4000);
        assertThat(recorder.messages).containsExactly("welcome", "hello", "binary:1");
        assertThat(recorder.pings.get()).isEqualTo(1);
    }

    @Test
    void anAbruptCloseEndsTheConnectionWithoutACloseFrame() throws Exception {
        extension
                .server()
                .mount(
                        "/abrupt",
                        WebSocketEndpoint.builder()
                                .text("one")
                                .fault(WebSocketFault.ABRUPT_CLOSE)
                                .build());
        try (RawClient raw = new RawClient(extension.server())) {
            assertThat(raw.send(handshake("/abrupt", "")).read(true).status()).isEqualTo(101);
            // The text frame "one" (FIN, opcode 1, unmasked, length 3), then the end: no close frame.
            assertThat(raw.readToEnd()).containsExactly(0x81, 3, 'o', 'n', 'e');
        }
    }

    @Test
    void eachProtocolBreakingFrameGoesOnTheWireExactlyAsTheFaultSays() throws Exception {
        byte[] key = {0x37, (byte) 0xfa, 0x21, 0x3d};
        byte[] masked = "masked".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < masked.length; i++) {
            masked[i] ^= key[i % 4];
        }
        Map<WebSocketFault, byte[]> expected = Map.of(
                WebSocketFault.MASKED_FRAME,
                concat(new byte[] {(byte) 0x81, (byte) 0x86}, key, masked),
                WebSocketFault.RESERVED_OPCODE,
                new byte[] {(byte) 0x83, 0},
                WebSocketFault.RESERVED_CONTROL_OPCODE,
                new byte[] {(byte) 0x8B, 0},
                WebSocketFault.RESERVED_BITS,
                concat(new byte[] {(byte) 0xA1, 8}, "reserved".getBytes(StandardCharsets.US_ASCII)));
        for (WebSocketFault fault : List.of(
                WebSocketFault.MASKED_FRAME,
                WebSocketFault.RESERVED_OPCODE,
                WebSocketFault.RESERVED_CONTROL_OPCODE,
                WebSocketFault.RESERVED_BITS,
                WebSocketFault.DEFLATED_TEXT)) {
            String path = "/raw-" + fault.name().toLowerCase(Locale.ROOT);
            extension
                    .server()
                    .mount(
                            path,
                            WebSocketEndpoint.builder()
                                    .fault(fault)
                                    .fault(WebSocketFault.ABRUPT_CLOSE)
                                    .build());
            try (RawClient raw = new RawClient(extension.server())) {
                assertThat(raw.send(handshake(path, "")).read(true).status()).isEqualTo(101);
                byte[] frame = raw.readToEnd();
                if (fault != WebSocketFault.DEFLATED_TEXT) {
                    assertThat(frame).as(fault.name()).containsExactly(expected.get(fault));
                    continue;
                }
                // FIN, RSV1 and text; unmasked; a payload that inflates as permessage-deflate's does.
                assertThat(frame[0]).isEqualTo((byte) 0xC1);
                assertThat(frame[1]).isEqualTo((byte) (frame.length - 2));
                Inflater inflater = new Inflater(true);
                inflater.setInput(concat(Arrays.copyOfRange(frame, 2, frame.length), new byte[] {0, 0, -1, -1}));
                byte[] text = new byte[64];
                int length = inflater.inflate(text);
                inflater.end();
                assertThat(new String(text, 0, length, StandardCharsets.UTF_8)).isEqualTo("deflated");
            }
        }
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    @Test
    void invalidUtf8InATextMessageFailsTheJdkClient() throws Exception {
        extension
                .server()
                .mount(
                        "/utf8",
                        WebSocketEndpoint.builder()
                                .fault(WebSocketFault.INVALID_UTF8)
                                .build());
        Recorder recorder = new Recorder();
        connect("/utf8", recorder);
        assertThat(recorder.error.get(5, TimeUnit.SECONDS)).hasStackTraceContaining("Invalid UTF-8");
        assertThat(recorder.messages).isEmpty();
    }

    @Test
    void theOversizedMessageArrivesWholeAsFragmentsOfBoundedSize() throws Exception {
        extension
                .server()
                .mount(
                        "/big",
                        WebSocketEndpoint.builder()
                                .fault(WebSocketFault.OVERSIZED_MESSAGE)
                                .text("after")
                                .build());
        Recorder recorder = new Recorder();
        WebSocket ws = connect("/big", recorder);
        recorder.messageCount(2).get(30, TimeUnit.SECONDS);
        assertThat(recorder.binaryBytes.get()).isEqualTo(WebSocketFault.OVERSIZED_MESSAGE_BYTES);
        assertThat(recorder.messages).containsExactly("binary:" + WebSocketFault.OVERSIZED_MESSAGE_BYTES, "after");
        ws.abort();
    }

    @Test
    void aPingFloodSendsTheScriptedNumberOfPingsAndCountsThePongs() throws Exception {
        WebSocketEndpoint flood = WebSocketEndpoint.builder()
                .fault(WebSocketFault.PING_FLOOD)
                .text("end")
                .build();
        extension.server().mount("/flood", flood);
        Recorder recorder = new Recorder();
        WebSocket ws = connect("/flood", recorder);
        recorder.messageCount(1).get(30, TimeUnit.SECONDS);
        assertThat(recorder.pings.get()).isEqualTo(WebSocketFault.PING_FLOOD_FRAMES);
        // RFC 6455 section 5.5.3 lets a client answer only the latest of several pings, and the
        // JDK's does when it falls behind (seen on a loaded CI machine): the endpoint counts
        // what came back, so wait until the count settles, then check it is a count of pongs.
        int last = -1;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (flood.pongCount() != last && System.nanoTime() < deadline) {
            last = flood.pongCount();
            Thread.sleep(200);
        }
        assertThat(flood.pongCount()).isBetween(1, WebSocketFault.PING_FLOOD_FRAMES);
        ws.abort();
    }

    @Test
    void noCloseReplyLeavesTheClientsCloseUnansweredAndTheConnectionOpen() throws Exception {
        WebSocketEndpoint silent =
                WebSocketEndpoint.builder().fault(WebSocketFault.NO_CLOSE_REPLY).build();
        extension.server().mount("/silent", silent);
        Recorder recorder = new Recorder();
        WebSocket ws = connect("/silent", recorder);
        ws.sendClose(1000, "").join();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (silent.closeCodes().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(silent.closeCodes()).containsExactly(1000);
        Thread.sleep(300);
        assertThat(recorder.closed).isNotDone();
        assertThat(ws.isInputClosed()).isFalse();
        ws.abort();
    }

    @Test
    void aServerThatStopsReadingRecordsNothingMoreTheClientSends() throws Exception {
        WebSocketEndpoint stuck = WebSocketEndpoint.builder()
                .text("stopping")
                .fault(WebSocketFault.STOP_READING)
                .text("still sending")
                .build();
        extension.server().mount("/stuck", stuck);
        Recorder recorder = new Recorder();
        WebSocket ws = connect("/stuck", recorder);
        recorder.messageCount(2).get(5, TimeUnit.SECONDS);
        assertThat(recorder.messages).containsExactly("stopping", "still sending");
        ws.sendText("unread", true).join();
        Thread.sleep(300);
        assertThat(stuck.messages()).isEmpty();
        ws.abort();
    }

    @Test
    void aPlainRequestToAWebSocketPathIsA400() throws Exception {
        HttpResponse<String> response = Http.get(extension.server(), "/echo");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("Upgrade: websocket");
    }

    @Test
    void subprotocolsAreNegotiated() throws Exception {
        extension
                .server()
                .mount(
                        "/chat",
                        WebSocketEndpoint.builder()
                                .subprotocols("v2.chat", "v1.chat")
                                .build());
        WebSocket ws = Http.CLIENT
                .newWebSocketBuilder()
                .subprotocols("v1.chat")
                .buildAsync(wsUri("/chat"), new Recorder())
                .get(5, TimeUnit.SECONDS);
        assertThat(ws.getSubprotocol()).isEqualTo("v1.chat");
        ws.abort();
    }

    private static WebSocket connect(String path, Recorder recorder) throws Exception {
        return Http.CLIENT
                .newWebSocketBuilder()
                .buildAsync(wsUri(path), recorder)
                .get(5, TimeUnit.SECONDS);
    }

    /** An RFC 6455 handshake request with the RFC's sample key, plus {@code extraHeaders}. */
    private static String handshake(String path, String extraHeaders) {
        return "GET " + path + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" + extraHeaders
                + "\r\n";
    }

    private static URI wsUri(String path) {
        return URI.create(extension.server().url(path).replace("http://", "ws://"));
    }

    /** Collects what the JDK client receives, a message at a time. */
    static final class Recorder implements WebSocket.Listener {
        final List<String> messages = new CopyOnWriteArrayList<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        final CompletableFuture<Throwable> error = new CompletableFuture<>();
        final AtomicInteger pings = new AtomicInteger();
        final AtomicLong binaryBytes = new AtomicLong();
        private final StringBuilder text = new StringBuilder();
        private long binary;
        private volatile CompletableFuture<Void> enough = new CompletableFuture<>();
        private volatile int wanted = Integer.MAX_VALUE;

        CompletableFuture<Void> messageCount(int n) {
            wanted = n;
            if (messages.size() >= n) {
                enough.complete(null);
            }
            return enough;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                add(text.toString());
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            binary += data.remaining();
            binaryBytes.addAndGet(data.remaining());
            if (last) {
                add("binary:" + binary);
                binary = 0;
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket ws, ByteBuffer message) {
            pings.incrementAndGet();
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable failure) {
            error.complete(failure);
        }

        private void add(String message) {
            messages.add(message);
            if (messages.size() >= wanted) {
                enough.complete(null);
            }
        }
    }
}
