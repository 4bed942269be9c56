package io.posthaste.internal.http3;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A session's memory of which {@code https} origins speak HTTP/3 and where: the origins named by
 * prior knowledge, and those that advertised {@code h3} with {@code Alt-Svc} (RFC 7838), each for
 * its {@code ma}. A new {@code Alt-Svc} from an origin replaces what it said before
 * ({@code clear}, or a list without {@code h3}, forgets it). Only alternatives on the origin's own
 * host are used (a different port is fine): the certificate is checked against the origin either
 * way, but a response must not be able to send the client's traffic to another host.
 *
 * <p>An HTTP/3 attempt that could not connect marks the origin's HTTP/3 broken, as browsers do:
 * for {@value #BROKEN_BASE_MINUTES} minutes, doubling with each further failure up to
 * {@value #BROKEN_MAX_HOURS} hours; a success forgets the failures. Broken origins go over TCP.
 *
 * <p>Bounded: at most {@value #MAX_ORIGINS} origins are remembered, the least recently used
 * forgotten first. Time comes from the clock it is given ({@code System::nanoTime} in a session).
 * Thread-safe (one lock, never held while calling out).
 */
final class AltServices {

    static final int MAX_ORIGINS = 1024;
    static final long BROKEN_BASE_MINUTES = 5;
    static final long BROKEN_MAX_HOURS = 48;
    private static final String H3 = "h3";

    /** Where an origin's HTTP/3 is: the host to reach and the UDP port. */
    record Endpoint(String host, int port) {}

    private record Advertised(int port, long expiresAt) {}

    private record Broken(long until, int failures) {}

    private final Set<String> priorKnowledge;
    private final LongSupplier clock;
    private final Map<String, Advertised> advertised = lru();
    private final Map<String, Broken> broken = lru();

    /**
     * Creates the memory of a session.
     *
     * @param priorKnowledge origins ({@code host:port}) that speak HTTP/3 without advertising it
     * @param clock the time in nanoseconds
     */
    AltServices(Set<String> priorKnowledge, LongSupplier clock) {
        this.priorKnowledge = Set.copyOf(priorKnowledge);
        this.clock = clock;
    }

    /**
     * Takes in the {@code Alt-Svc} field values of a response from {@code https://host:port};
     * nothing if there are none.
     */
    void observe(String host, int port, List<String> values) {
        if (values.isEmpty()) {
            return;
        }
        Advertised found = null;
        for (String value : values) {
            AltSvc.Parsed parsed = AltSvc.parse(value);
            if (parsed.clear()) {
                found = null;
                break;
            }
            for (AltSvc.Alternative alternative : parsed.alternatives()) {
                boolean sameHost =
                        alternative.host().isEmpty() || alternative.host().equalsIgnoreCase(host);
                if (found == null && alternative.protocol().equals(H3) && sameHost && alternative.maxAgeSeconds() > 0) {
                    found = new Advertised(
                            alternative.port(),
                            clock.getAsLong() + TimeUnit.SECONDS.toNanos(alternative.maxAgeSeconds()));
                }
            }
        }
        String key = key(host, port);
        synchronized (this) {
            if (found == null) {
                advertised.remove(key);
            } else {
                advertised.put(key, found);
            }
        }
    }

    /**
     * Returns where to reach {@code https://host:port} over HTTP/3 now, or null to use TCP: not
     * known to speak it, its advertisement expired, or its HTTP/3 marked broken.
     */
    Endpoint route(String host, int port) {
        String key = key(host, port);
        long now = clock.getAsLong();
        synchronized (this) {
            Broken failing = broken.get(key);
            if (failing != null && now - failing.until() < 0) {
                return null;
            }
            Advertised entry = advertised.get(key);
            if (entry != null && now - entry.expiresAt() >= 0) {
                advertised.remove(key);
                entry = null;
            }
            if (entry != null) {
                return new Endpoint(host, entry.port());
            }
        }
        return priorKnowledge.contains(key) ? new Endpoint(host, port) : null;
    }

    /** An HTTP/3 attempt to {@code https://host:port} could not connect: TCP only, for a while. */
    void failed(String host, int port) {
        String key = key(host, port);
        long now = clock.getAsLong();
        synchronized (this) {
            Broken before = broken.get(key);
            int failures = before == null ? 1 : before.failures() + 1;
            long rest = Math.min(
                    TimeUnit.MINUTES.toNanos(BROKEN_BASE_MINUTES) << Math.min(failures - 1, 20),
                    TimeUnit.HOURS.toNanos(BROKEN_MAX_HOURS));
            broken.put(key, new Broken(now + rest, failures));
        }
    }

    /** An HTTP/3 connection to {@code https://host:port} was made: its past failures are forgiven. */
    synchronized void succeeded(String host, int port) {
        broken.remove(key(host, port));
    }

    private static String key(String host, int port) {
        return io.posthaste.internal.session.ProtocolChoice.originKey(host, port);
    }

    private static <V> Map<String, V> lru() {
        return new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > MAX_ORIGINS;
            }
        };
    }
}
