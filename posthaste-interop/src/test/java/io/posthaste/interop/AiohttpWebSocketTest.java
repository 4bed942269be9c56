package io.posthaste.interop;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The WebSocket contract against aiohttp 3.8's WebSocket server. */
final class AiohttpWebSocketTest extends WebSocketContract {

    @RegisterExtension
    static final WebSocketServer AIOHTTP = WebSocketServer.aiohttp();

    @Override
    WebSocketServer server() {
        return AIOHTTP;
    }

    /** aiohttp answers every close with 1000, whatever the client's code (RFC 6455 allows it). */
    @Override
    int answerToClose(int code) {
        return 1000;
    }
}
