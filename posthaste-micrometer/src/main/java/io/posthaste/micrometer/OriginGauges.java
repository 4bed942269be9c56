package io.posthaste.micrometer;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.posthaste.ClientSession;
import io.posthaste.PoolStats;
import java.lang.ref.WeakReference;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToIntFunction;

/**
 * The per-origin pool gauges of one session: registered for each origin the first time it is
 * seen holding connections ({@link #refresh}, run when the session binds and after each new
 * connection), then read from {@link ClientSession#poolStatsByOrigin()} at each scrape. An origin
 * whose connections are all gone reports zeros. Holds the session weakly, as Micrometer gauges
 * do: once it is garbage-collected the gauges report {@code NaN}. Thread-safe.
 */
final class OriginGauges {

    static final String CONNECTIONS = "posthaste.pool.origin.connections";
    static final String PENDING = "posthaste.pool.origin.pending";
    private static final PoolStats NONE = new PoolStats(0, 0, 0, 0);

    private final MeterRegistry registry;
    private final Tags tags;
    private final WeakReference<ClientSession> session;
    private final Set<String> registered = ConcurrentHashMap.newKeySet();

    OriginGauges(MeterRegistry registry, Tags tags, ClientSession session) {
        this.registry = registry;
        this.tags = tags;
        this.session = new WeakReference<>(session);
    }

    /** Registers the gauges of origins not seen before; false once the session is gone. */
    boolean refresh() {
        ClientSession held = session.get();
        if (held == null) {
            return false;
        }
        for (String origin : held.poolStatsByOrigin().keySet()) {
            if (registered.add(origin)) {
                register(held, origin);
            }
        }
        return true;
    }

    private void register(ClientSession held, String origin) {
        Tags of = tags.and("origin", origin);
        connections(held, origin, of, "leased", PoolStats::leased);
        connections(held, origin, of, "idle", PoolStats::idle);
        connections(held, origin, of, "connecting", PoolStats::connecting);
        Gauge.builder(PENDING, held, s -> stats(s, origin).waiting())
                .description("Calls waiting for a connection to the origin")
                .tags(of)
                .register(registry);
    }

    private void connections(
            ClientSession held, String origin, Tags of, String state, ToIntFunction<PoolStats> figure) {
        Gauge.builder(CONNECTIONS, held, s -> figure.applyAsInt(stats(s, origin)))
                .description("Connections of the session's pool to the origin, by state")
                .tags(of.and("state", state))
                .register(registry);
    }

    private static PoolStats stats(ClientSession session, String origin) {
        return session.poolStatsByOrigin().getOrDefault(origin, NONE);
    }
}
