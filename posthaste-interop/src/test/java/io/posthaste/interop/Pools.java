package io.posthaste.interop;

import io.posthaste.ClientSession;
import io.posthaste.PoolStats;

/** Reads a session's pool once it has settled. */
final class Pools {

    private static final long SETTLE_NANOS = 5_000_000_000L;

    private Pools() {}

    /**
     * Returns the pool's stats once no connection is leased or connecting, or after 5 s. A closed
     * stream hands its connection back on the connection's event loop, a moment after
     * {@code close()} returns (the client's own tests wait the same way), so an immediate
     * snapshot may still count it.
     */
    static PoolStats settled(ClientSession session) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE_NANOS;
        PoolStats stats = session.poolStats();
        while (stats.leased() + stats.connecting() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
            stats = session.poolStats();
        }
        return stats;
    }
}
