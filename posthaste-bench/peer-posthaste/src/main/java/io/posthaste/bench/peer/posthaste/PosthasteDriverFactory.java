package io.posthaste.bench.peer.posthaste;

import io.posthaste.ClientSession;
import io.posthaste.Protocol;
import io.posthaste.bench.Driver;
import io.posthaste.bench.DriverFactory;
import io.posthaste.bench.HttpVersion;
import java.net.URI;

/** Posthaste's {@code ClientSession}, through its public API only, as a user would write it. */
public final class PosthasteDriverFactory implements DriverFactory {

    @Override
    public String name() {
        return "posthaste";
    }

    @Override
    public String description() {
        return "Posthaste " + ClientSession.VERSION;
    }

    @Override
    public Driver open(int maxConnections) {
        // Defaults are 64 per origin and 256 in total; raised only for the 1,000-connection scenario.
        return new PosthasteDriver(ClientSession.builder()
                .maxConnectionsPerOrigin(Math.max(64, maxConnections))
                .maxConnectionsTotal(Math.max(256, maxConnections))
                .build());
    }

    @Override
    public Driver openProxied(int maxConnections, URI proxy) {
        return new PosthasteDriver(ClientSession.builder()
                .maxConnectionsPerOrigin(Math.max(64, maxConnections))
                .maxConnectionsTotal(Math.max(256, maxConnections))
                .proxy(proxy.toString())
                .build());
    }

    @Override
    public Driver openHttp2(int maxStreams) {
        // One connection per origin carries every stream; nginx allows 128 concurrent streams.
        return new PosthasteDriver(
                ClientSession.builder().protocols(Protocol.H2_PRIOR_KNOWLEDGE).build());
    }

    @Override
    public Driver openTls(int maxConcurrency, HttpVersion version) {
        // The JVM's default trust store (the run's certificate) is the session's default trust.
        Protocol protocol = switch (version) {
            case HTTP_1_1 -> Protocol.HTTP_1_1;
            // Over TLS it means h2 alone by ALPN (HTTP_2 alone would leave http:// URLs without one).
            case HTTP_2 -> Protocol.H2_PRIOR_KNOWLEDGE;
            // Alone, HTTP_3 means HTTP/3 for every https:// URL, with no TCP fallback to hide a fault.
            case HTTP_3 -> Protocol.HTTP_3;
        };
        return new PosthasteDriver(ClientSession.builder()
                .protocols(protocol)
                .maxConnectionsPerOrigin(Math.max(64, maxConcurrency))
                .build());
    }
}
