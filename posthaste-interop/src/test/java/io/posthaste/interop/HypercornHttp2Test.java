package io.posthaste.interop;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The HTTP/2 echo contract against hypercorn 0.13 (HTTP/2 by python-h2) serving the ASGI echo app
 * itself: over TLS, where hypercorn offers {@code h2} and {@code http/1.1} by ALPN, and over
 * cleartext, where it recognises the HTTP/2 connection preface (h2c by prior knowledge).
 */
final class HypercornHttp2Test extends Http2EchoContract {

    @RegisterExtension
    static final Http2Server HYPERCORN = Http2Server.hypercorn();

    @Override
    Http2Server server() {
        return HYPERCORN;
    }
}
