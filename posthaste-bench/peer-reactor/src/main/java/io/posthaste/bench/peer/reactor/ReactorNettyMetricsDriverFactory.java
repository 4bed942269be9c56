package io.posthaste.bench.peer.reactor;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.posthaste.bench.Driver;
import io.posthaste.bench.DriverFactory;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Reactor Netty with its built-in Micrometer metrics on (client and pool), into a
 * {@link SimpleMeterRegistry}: the peer figure beside {@code posthaste-micrometer}. The URI tag
 * is mapped to one value, as its documentation asks, to keep the cardinality bounded.
 */
public final class ReactorNettyMetricsDriverFactory implements DriverFactory {

    @Override
    public String name() {
        return "reactor-netty-metrics";
    }

    @Override
    public String description() {
        return "Reactor Netty " + HttpClient.class.getPackage().getImplementationVersion() + " with metrics(true)";
    }

    @Override
    public Driver open(int maxConnections) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Metrics.addRegistry(registry);
        ConnectionProvider provider = ConnectionProvider.builder("bench-metrics")
                .maxConnections(maxConnections)
                .pendingAcquireMaxCount(-1)
                .metrics(true)
                .build();
        return new ReactorNettyDriverFactory.ReactorDriver(provider,
                HttpClient.create(provider).metrics(true, uri -> "/"));
    }
}
