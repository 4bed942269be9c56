package io.posthaste.interop;

import io.posthaste.ClientSession;
import io.posthaste.Protocol;

/** The two ways the HTTP/2 interop tests reach an {@link Http2Server}; tests run once per way. */
enum Transport {

    /** TLS, offering {@code HTTP_2, HTTP_1_1} (the default) by ALPN: the server picks {@code h2}. */
    TLS_ALPN {
        @Override
        ClientSession open(Http2Server server) {
            return ClientSession.builder()
                    .trustManager(server.trustManager())
                    .protocols(Protocol.HTTP_2, Protocol.HTTP_1_1)
                    .build();
        }

        @Override
        String url(Http2Server server, String path) {
            return server.h2Url(path);
        }
    },

    /** Cleartext h2c by prior knowledge ({@code H2_PRIOR_KNOWLEDGE}): no negotiation at all. */
    H2C_PRIOR_KNOWLEDGE {
        @Override
        ClientSession open(Http2Server server) {
            return ClientSession.builder()
                    .protocols(Protocol.H2_PRIOR_KNOWLEDGE)
                    .build();
        }

        @Override
        String url(Http2Server server, String path) {
            return server.h2cUrl(path);
        }
    };

    /** Opens a session that reaches {@code server} this way; the caller closes it. */
    abstract ClientSession open(Http2Server server);

    /** Returns {@code server}'s URL for {@code path} this way. */
    abstract String url(Http2Server server, String path);
}
