package io.posthaste.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.posthaste.ClientSession;
import io.posthaste.CookieJar;
import io.posthaste.WebSocket;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the WebSocket client must do against a real server serving the routes of
 * {@code src/test/resources/websockets/ws_app.py}: messages both ways with permessage-deflate
 * negotiated, fragmented messages reassembled, the server's close codes and reasons, the close
 * handshake, a subprotocol, the handshake's headers, the size limit, and a thousand messages
 * with back-pressure. Written once, run per server ({@link WebSocketServer}).
 */
abstract class WebSocketContract {

    static final ObjectMapper MAPPER = new ObjectMapper();

    ClientSession session;

    /** Returns the server under test. */
    abstract WebSocketServer server();

    /** The code the server answers a client's close with: RFC 6455 says it typically echoes it. */
    int answerToClose(int code) {
        return code;
    }

    @BeforeEach
    void openSession() {
        session = ClientSession.builder()
                .header("X-Session", "interop")
                .cookieJar(CookieJar.inMemoryAllowingIpHosts())
                .build();
    }

    @AfterEach
    void closeSession() {
        session.close();
    }

    static WebSocket.Message next(WebSocket ws) throws Exception {
        return ws.receiveAsync().get(10, TimeUnit.SECONDS);
    }

    @Test
    void textAndBinaryMessagesAreEchoedWithPermessageDeflate() throws Exception {
        String large = "Posthaste, été, сессия, 日本. ".repeat(4000);
        try (WebSocket ws = session.websocket(server().url("/echo")).connect()) {
            assertThat(ws.isCompressed()).isTrue();
            ws.sendText("hello");
            ws.sendBinary(new byte[] {0, 1, 2, (byte) 255});
            ws.sendText(large);
            assertThat(next(ws).text()).isEqualTo("hello");
            assertThat(next(ws).bytes()).containsExactly(0, 1, 2, 255);
            assertThat(next(ws).text()).isEqualTo(large);
        }
    }

    @Test
    void fragmentedMessagesFromTheServerArriveWhole() throws Exception {
        try (WebSocket ws = session.websocket(server().url("/fragments")).connect()) {
            assertThat(next(ws).text()).isEqualTo("hello fragmented world");
            assertThat(next(ws).bytes()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        }
    }

    @Test
    void theServersCloseCodeAndReasonAreTheLastMessage() throws Exception {
        for (int code : List.of(1000, 1001, 4001)) {
            try (WebSocket ws =
                    session.websocket(server().url("/close?code=" + code)).connect()) {
                WebSocket.Message close = next(ws);
                assertThat(close.closeCode()).isEqualTo(code);
                assertThat(close.closeReason()).isEqualTo("bye " + code);
                ws.whenClosed().get(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void theClientsCloseIsAnsweredAndClosesTheConnection() throws Exception {
        WebSocket ws = session.websocket(server().url("/echo")).connect();
        ws.sendText("last");
        // The echo first: a proxy in between (nginx) may pass the server's close reply on before a
        // message it still buffers, and this test is about the close.
        assertThat(next(ws).text()).isEqualTo("last");
        ws.close(4002, "client done").get(10, TimeUnit.SECONDS);
        WebSocket.Message close = next(ws);
        assertThat(close.closeCode()).isEqualTo(answerToClose(4002));
    }

    @Test
    void theServerChoosesAnOfferedSubprotocol() throws Exception {
        try (WebSocket ws = session.websocket(server().url("/echo"))
                .subprotocols("chat.v2", "chat.v1")
                .connect()) {
            assertThat(ws.subprotocol()).isEqualTo("chat.v1");
        }
    }

    @Test
    void theHandshakeCarriesTheSessionsHeadersCredentialsAndCookies() throws Exception {
        String http = server().url("/").replaceFirst("^ws", "http");
        session.cookieJar().save(URI.create(http), List.of("sid=abc; Path=/"));
        try (WebSocket ws = session.websocket(server().url("/headers"))
                .bearerAuth("t0ken")
                .header("X-Own", "mine")
                .connect()) {
            JsonNode seen = MAPPER.readTree(next(ws).text());
            assertThat(seen.path("x-session").asText()).isEqualTo("interop");
            assertThat(seen.path("x-own").asText()).isEqualTo("mine");
            assertThat(seen.path("authorization").asText()).isEqualTo("Bearer t0ken");
            assertThat(seen.path("cookie").asText()).isEqualTo("sid=abc");
            assertThat(seen.path("user-agent").asText()).startsWith("posthaste/");
            assertThat(seen.path("sec-websocket-extensions").asText()).startsWith("permessage-deflate");
        }
    }

    @Test
    void aMessageOverTheLimitClosesWith1009() throws Exception {
        try (WebSocket ws = session.websocket(server().url("/big?size=300000"))
                .maxMessageSize(200_000)
                .connect()) {
            assertThat(next(ws).closeCode()).isEqualTo(1009);
        }
        try (WebSocket ws = session.websocket(server().url("/big?size=300000"))
                .maxMessageSize(300_000)
                .connect()) {
            assertThat(next(ws).buffer().remaining()).isEqualTo(300_000);
        }
    }

    @Test
    void aThousandMessagesWithSixteenInFlightArriveInOrder() throws Exception {
        try (WebSocket ws = session.websocket(server().url("/echo")).connect()) {
            ArrayDeque<CompletableFuture<Void>> inFlight = new ArrayDeque<>();
            CompletableFuture<Void> received = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 1000; i++) {
                    assertThat(ws.receive().text()).startsWith(i + ":");
                }
            });
            for (int i = 0; i < 1000; i++) {
                if (inFlight.size() == 16) {
                    inFlight.poll().get(10, TimeUnit.SECONDS);
                }
                inFlight.add(ws.sendText(i + ":" + "x".repeat(1000)));
            }
            received.get(30, TimeUnit.SECONDS);
        }
    }
}
