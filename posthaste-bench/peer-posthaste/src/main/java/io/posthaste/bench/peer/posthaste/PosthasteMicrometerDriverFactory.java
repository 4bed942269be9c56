package io.posthaste.bench.peer.posthaste;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.posthaste.ClientSession;
import io.posthaste.bench.Driver;
import io.posthaste.bench.DriverFactory;
import io.posthaste.micrometer.PosthasteMetrics;

/**
 * Posthaste with {@code posthaste-micrometer} on: every call timed ({@code http.client.requests},
 * the pool-acquire histogram), connect and TLS timers, pool gauges bound; into a
 * {@link SimpleMeterRegistry}, as Reactor Netty's metrics are in {@code reactor-netty-metrics}.
 * What it costs beyond {@code posthaste} is the module's price (issue 17).
 */
public final class PosthasteMicrometerDriverFactory implements DriverFactory {

    @Override
    public String name() {
        return "posthaste-micrometer";
    }

    @Override
    public String description() {
        return "Posthaste " + ClientSession.VERSION + " with posthaste-micrometer";
    }

    @Override
    public Driver open(int maxConnections) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        PosthasteMetrics metrics = PosthasteMetrics.create(registry);
        ClientSession session = metrics.instrument(ClientSession.builder()
                        .maxConnectionsPerOrigin(Math.max(64, maxConnections))
                        .maxConnectionsTotal(Math.max(256, maxConnections)))
                .build();
        metrics.bindPool(session, "bench");
        return new PosthasteDriver(session, registry::close);
    }
}
