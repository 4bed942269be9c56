package io.posthaste;

import static io.posthaste.WebSocketTest.next;
import static io.posthaste.WebSocketTest.ws;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posthaste.testing.MockResponse;
import io.posthaste.testing.RecordedRequest;
import io.posthaste.testing.TestServer;
import io.posthaste.testing.WebSocketEndpoint;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * The opening handshake: what it sends (the session's headers, credentials, cookies), what it
 * negotiates (permessage-deflate, a subprotocol), TLS, and the typed exceptions for every answer
 * that does not open a WebSocket.
 */
class WebSocketHandshakeTest {

    private TestServer server;
    private ClientSession session;

    @BeforeEach
    void start() {
        server = TestServer.start();
        session = ClientSession.builder()
                .header("X-Session", "s1")
                .cookieJar(CookieJar.inMemoryAllowingIpHosts())
                .build();
    }

    @AfterEach
    void stop() {
        session.close();
        server.close();
    }

    @Test
    void theHandshakeCarriesTheSessionsHeadersCredentialsAndCookies() throws Exception {
        server.mount("/echo", WebSocketEndpoint.echo());
        session.cookieJar().save(URI.create(server.url("/")), List.of("sid=abc; Path=/"));
        String url = ws(server, "/echo").replace("://", "://user:pa%20ss@");
        try (WebSocket ws =
                session.websocket(url + "?room=1").header("X-Own", "o1").connect()) {
            assertThat(ws.url()).isEqualTo(ws(server, "/echo") + "?room=1");
        }
        RecordedRequest handshake = server.takeRequest();
        assertThat(handshake.target()).isEqualTo("/echo?room=1");
        assertThat(handshake.header("Host")).isEqualTo(server.host() + ":" + server.port());
        assertThat(handshake.header("X-Session")).isEqualTo("s1");
        assertThat(handshake.header("X-Own")).isEqualTo("o1");
        assertThat(handshake.header("User-Agent")).isEqualTo("posthaste/" + ClientSession.VERSION);
        assertThat(handshake.header("Authorization")).isEqualTo("Basic dXNlcjpwYSBzcw==");
        assertThat(handshake.header("Cookie")).isEqualTo("sid=abc");
        assertThat(handshake.header("Origin")).isNull();
        assertThat(handshake.header("Sec-WebSocket-Version")).isEqualTo("13");
    }

    @Test
    void handshakeHeadersThatTheProtocolOwnsCannotBeSet() {
        WebSocket.Builder builder = session.websocket(ws(server, "/x"));
        for (String name : List.of(
                "Upgrade", "connection", "Sec-WebSocket-Key", "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions")) {
            assertThatThrownBy(() -> builder.header(name, "x")).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> builder.header("X-Bad", "a\r\nb")).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void permessageDeflateIsNegotiatedByDefaultAndCanBeTurnedOff() throws Exception {
        WebSocketEndpoint echo = WebSocketEndpoint.echo();
        server.mount("/echo", echo);
        server.mount("/plain", WebSocketEndpoint.builder().noCompression().build());
        String large = "compressible ".repeat(10_000);
        try (WebSocket ws = session.websocket(ws(server, "/echo")).connect()) {
            assertThat(ws.isCompressed()).isTrue();
            assertThat(ws.handshakeHeaders().get("Sec-WebSocket-Extensions")).startsWith("permessage-deflate");
            ws.sendText(large);
            assertThat(next(ws).text()).isEqualTo(large);
        }
        try (WebSocket ws =
                session.websocket(ws(server, "/echo")).compression(false).connect()) {
            assertThat(ws.isCompressed()).isFalse();
        }
        try (WebSocket ws = session.websocket(ws(server, "/plain")).connect()) {
            assertThat(ws.isCompressed()).isFalse();
            ws.sendText(large);
            assertThat(next(ws).text()).isEqualTo(large);
        }
        assertThat(echo.offeredExtensions()).hasSize(2);
        assertThat(echo.offeredExtensions().get(0)).startsWith("permessage-deflate");
        assertThat(echo.offeredExtensions().get(1)).isEmpty();
    }

    @Test
    void theServerChoosesOneOfTheOfferedSubprotocolsOrNone() throws Exception {
        server.mount(
                "/chat",
                WebSocketEndpoint.builder().subprotocols("chat.v1", "chat.v2").build());
        try (WebSocket ws = session.websocket(ws(server, "/chat"))
                .subprotocols("chat.v2", "chat.v1")
                .connect()) {
            assertThat(ws.subprotocol()).isEqualTo("chat.v2");
        }
        assertThat(server.takeRequest().header("Sec-WebSocket-Protocol")).isEqualTo("chat.v2, chat.v1");
        try (WebSocket ws = session.websocket(ws(server, "/chat")).connect()) {
            assertThat(ws.subprotocol()).isEmpty();
        }
        assertThatThrownBy(() -> session.websocket(ws(server, "/chat")).subprotocols("bad token"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRefusalRaisesClientResponseExceptionWithTheAnswerWhateverRaiseForStatusSays() {
        try (ClientSession lenient = ClientSession.builder()
                .raiseForStatus(false)
                .cookieJar(CookieJar.inMemoryAllowingIpHosts())
                .build()) {
            for (ClientSession s : List.of(session, lenient)) {
                server.enqueue(MockResponse.builder()
                        .status(403)
                        .header("Set-Cookie", "seen=1")
                        .body("no websockets for you")
                        .build());
                assertThatThrownBy(() -> s.websocket(ws(server, "/refused")).connect())
                        .isInstanceOfSatisfying(ClientResponseException.class, e -> {
                            assertThat(e.status()).isEqualTo(403);
                            assertThat(e.bodyText()).isEqualTo("no websockets for you");
                            assertThat(e.method()).isEqualTo("GET");
                            assertThat(e.getMessage()).contains("403").contains("/refused");
                        });
                assertThat(s.cookieJar().all()).extracting(Cookie::name).contains("seen");
            }
        }
    }

    @Test
    void aSuccessThatIsNotAnUpgradeIsRefusedToo() {
        server.enqueue(MockResponse.ok("just a page"));
        assertThatThrownBy(() -> session.websocket(ws(server, "/page")).connect())
                .isInstanceOfSatisfying(ClientResponseException.class, e -> {
                    assertThat(e.status()).isEqualTo(200);
                    assertThat(e.getMessage()).contains("expected 101");
                });
    }

    @Test
    void a101WithAWrongAcceptOrNoUpgradeIsRefusedSayingWhich() {
        String wrongAccept = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: c29tZXRoaW5nIGVsc2U=\r\n\r\n";
        String noUpgrade = "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: c29tZXRoaW5nIGVsc2U=\r\n\r\n";
        String notOffered = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Protocol: other\r\nSec-WebSocket-Accept: c29tZXRoaW5nIGVsc2U=\r\n\r\n";
        for (String[] answer : List.of(
                new String[] {wrongAccept, "Sec-WebSocket-Accept does not match"},
                new String[] {noUpgrade, "does not upgrade to websocket"},
                new String[] {notOffered, "subprotocol 'other', which was not offered"})) {
            server.enqueue(MockResponse.builder()
                    .raw(answer[0].getBytes(StandardCharsets.US_ASCII))
                    .build());
            assertThatThrownBy(() -> session.websocket(ws(server, "/fake")).connect())
                    .isInstanceOfSatisfying(ClientResponseException.class, e -> {
                        assertThat(e.status()).isEqualTo(101);
                        assertThat(e.getMessage()).contains(answer[1]);
                    });
        }
    }

    @Test
    void aServerThatNeverAnswersTheHandshakeTimesOutInTheReadPhase() {
        server.enqueue(MockResponse.builder()
                .status(101)
                .headersDelay(Duration.ofSeconds(30))
                .build());
        try (ClientSession impatient = ClientSession.builder()
                .timeouts(Timeouts.builder().read(Duration.ofMillis(200)).build())
                .build()) {
            assertThatThrownBy(() -> impatient.websocket(ws(server, "/slow")).connect())
                    .isInstanceOfSatisfying(
                            ClientTimeoutException.class,
                            e -> assertThat(e.phase()).isEqualTo(ClientTimeoutException.Phase.READ));
        }
    }

    @Test
    void aRefusedConnectionRaisesClientConnectionExceptionNamingTheUrl() {
        int port = server.port();
        server.close();
        assertThatThrownBy(() ->
                        session.websocket("ws://127.0.0.1:" + port + "/gone").connect())
                .isInstanceOf(ClientConnectionException.class)
                .hasMessageContaining("GET ws://127.0.0.1:" + port + "/gone");
    }

    @Test
    void wssUsesTheSessionsTlsSettingsAndHttp11EvenWhereTheServerPrefersHttp2() throws Exception {
        try (TestServer tls = TestServer.builder().tls().http2().start();
                ClientSession secure =
                        ClientSession.builder().trustManager(tls.trustManager()).build()) {
            tls.mount("/echo", WebSocketEndpoint.echo());
            try (WebSocket ws = secure.websocket(ws(tls, "/echo")).connect()) {
                assertThat(ws.url()).startsWith("wss://");
                ws.sendText("over tls");
                assertThat(next(ws).text()).isEqualTo("over tls");
            }
            // Without the session's trust, the certificate is refused.
            assertThatThrownBy(() -> session.websocket(ws(tls, "/echo")).connect())
                    .isInstanceOfSatisfying(
                            ClientConnectionException.class,
                            e -> assertThat(e.isTlsFailure()).isTrue());
        }
    }

    @Test
    void theSessionsEventListenerHearsTheHandshake() throws Exception {
        server.mount("/echo", WebSocketEndpoint.echo());
        List<Event> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (ClientSession listened =
                        ClientSession.builder().eventListener(events::add).build();
                WebSocket ws = listened.websocket(ws(server, "/echo")).connect()) {
            assertThat(ws.isOpen()).isTrue();
        }
        assertThat(events)
                .extracting(Event::type)
                .containsSubsequence(
                        Event.Type.CALL_START,
                        Event.Type.CONNECT_START,
                        Event.Type.CONNECT_END,
                        Event.Type.RESPONSE_HEADERS_RECEIVED,
                        Event.Type.CALL_END);
        assertThat(events)
                .filteredOn(e -> e.type() == Event.Type.RESPONSE_HEADERS_RECEIVED)
                .extracting(Event::status)
                .containsExactly(101);
    }

    @Test
    void connectAsyncCompletesWithTheWebSocketAndCancellingItDropsTheConnection() throws Exception {
        server.mount("/echo", WebSocketEndpoint.echo());
        CompletableFuture<WebSocket> pending =
                session.websocket(ws(server, "/echo")).connectAsync();
        try (WebSocket ws = pending.get(5, TimeUnit.SECONDS)) {
            assertThat(ws.isOpen()).isTrue();
        }
        server.enqueue(MockResponse.builder()
                .status(101)
                .headersDelay(Duration.ofSeconds(30))
                .build());
        CompletableFuture<WebSocket> abandoned =
                session.websocket(ws(server, "/slow")).connectAsync();
        assertThat(server.takeRequest().path()).isEqualTo("/echo");
        assertThat(server.takeRequest().path()).isEqualTo("/slow");
        assertThat(abandoned.cancel(true)).isTrue();
        // The connection goes: the leak check after the test class would see it otherwise.
        awaitNoOpenConnection();
        assertThat(server.openConnectionCount()).isZero();
    }

    @RepeatedTest(30)
    void aConnectCancelledAtAnyMomentLeavesNoConnectionOpen() throws Exception {
        // A random pause puts the cancel anywhere from before the TCP connect to after the
        // handshake reached the server.
        server.enqueue(MockResponse.builder()
                .status(101)
                .headersDelay(Duration.ofSeconds(30))
                .build());
        CompletableFuture<WebSocket> abandoned =
                session.websocket(ws(server, "/slow")).connectAsync();
        Thread.sleep(ThreadLocalRandom.current().nextInt(3));
        abandoned.cancel(true);
        awaitNoOpenConnection();
        assertThat(server.openConnectionCount()).isZero();
    }

    /** Waits up to 5 s for the server to see every connection closed (closing is asynchronous). */
    private void awaitNoOpenConnection() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.openConnectionCount() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }
}
