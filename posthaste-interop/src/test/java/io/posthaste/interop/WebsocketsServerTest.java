package io.posthaste.interop;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The WebSocket contract against the {@code websockets} library's server (Debian's python3-websockets 10). */
final class WebsocketsServerTest extends WebSocketContract {

    @RegisterExtension
    static final WebSocketServer WEBSOCKETS = WebSocketServer.websockets();

    @Override
    WebSocketServer server() {
        return WEBSOCKETS;
    }
}
