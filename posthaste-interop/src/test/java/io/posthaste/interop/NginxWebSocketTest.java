package io.posthaste.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.posthaste.ClientSession;
import io.posthaste.WebSocket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The WebSocket contract through nginx proxying to the {@code websockets} library's server, and
 * the same over TLS ({@code wss://}) with the session's trust.
 */
final class NginxWebSocketTest extends WebSocketContract {

    @RegisterExtension
    static final WebSocketServer NGINX = WebSocketServer.nginx();

    @Override
    WebSocketServer server() {
        return NGINX;
    }

    @Test
    void wssThroughNginxUsesTheSessionsTrust() throws Exception {
        try (ClientSession secure = ClientSession.builder()
                        .trustManager(NGINX.trustManager())
                        .build();
                WebSocket ws = secure.websocket(NGINX.tlsUrl("/fragments")).connect()) {
            assertThat(ws.url()).startsWith("wss://");
            assertThat(ws.isCompressed()).isTrue();
            assertThat(ws.receiveAsync().get(10, TimeUnit.SECONDS).text()).isEqualTo("hello fragmented world");
            ws.sendText("secure echo");
            ws.receiveAsync().get(10, TimeUnit.SECONDS);
            assertThat(ws.receiveAsync().get(10, TimeUnit.SECONDS).text()).isEqualTo("secure echo");
        }
    }
}
