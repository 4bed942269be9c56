package io.posthaste.bench.peer.posthaste;

import io.posthaste.ClientSession;
import io.posthaste.Protocol;
import io.posthaste.bench.Driver;
import io.posthaste.bench.DriverFactory;
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
}
