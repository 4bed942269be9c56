package io.posthaste.micrometer;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.posthaste.ClientSession;
import io.posthaste.PoolStats;
import java.util.function.ToIntFunction;

/** The pool gauges of one session, read from {@link ClientSession#poolStats()} at each scrape. */
final class PoolGauges {

    static final String CONNECTIONS = "posthaste.pool.connections";
    static final String PENDING = "posthaste.pool.pending";

    private PoolGauges() {}

    static void register(MeterRegistry registry, Tags tags, ClientSession session) {
        connections(registry, tags, session, "leased", PoolStats::leased);
        connections(registry, tags, session, "idle", PoolStats::idle);
        connections(registry, tags, session, "connecting", PoolStats::connecting);
        Gauge.builder(PENDING, session, s -> s.poolStats().waiting())
                .description("Calls waiting for a connection because the pool is full")
                .tags(tags)
                .register(registry);
    }

    private static void connections(
            MeterRegistry registry, Tags tags, ClientSession session, String state, ToIntFunction<PoolStats> figure) {
        Gauge.builder(CONNECTIONS, session, s -> figure.applyAsInt(s.poolStats()))
                .description("Connections of the session's pool, by state")
                .tags(tags.and("state", state))
                .register(registry);
    }
}
