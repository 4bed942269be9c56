package io.posthaste.internal.session;

import io.posthaste.InvalidRequestException;
import io.posthaste.Protocol;
import io.posthaste.internal.url.RequestUrl;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Checks the protocol settings of {@code ClientSession.Builder} (which documents them): the
 * protocols a session speaks, the origins it tries HTTP/3 with, and its HTTP/2 PING interval.
 * Stateless.
 */
public final class ProtocolChoice {

    private ProtocolChoice() {}

    /**
     * Returns {@code protocols} without repeats, in their order.
     *
     * @throws IllegalArgumentException if it is empty, or leaves {@code http://} URLs without a
     *     protocol or with two ({@code HTTP_3} alone is allowed: HTTP/1.1 serves them)
     * @throws NullPointerException if it is or contains null
     */
    public static List<Protocol> validated(Protocol... protocols) {
        Objects.requireNonNull(protocols, "protocols");
        Set<Protocol> set = new LinkedHashSet<>();
        for (Protocol p : protocols) {
            set.add(Objects.requireNonNull(p, "protocols contains null"));
        }
        if (set.isEmpty()) {
            throw new IllegalArgumentException("protocols must name at least one protocol");
        }
        boolean h1 = set.contains(Protocol.HTTP_1_1);
        boolean priorKnowledge = set.contains(Protocol.H2_PRIOR_KNOWLEDGE);
        if (set.equals(Set.of(Protocol.HTTP_3))) {
            return List.of(Protocol.HTTP_3); // HTTP/3 only; http:// URLs speak HTTP/1.1 (see Protocol).
        }
        if (!h1 && !priorKnowledge) {
            throw new IllegalArgumentException("protocols " + set + " leave http:// URLs without a "
                    + "protocol: add HTTP_1_1, or H2_PRIOR_KNOWLEDGE for HTTP/2 everywhere");
        }
        if (h1 && priorKnowledge) {
            throw new IllegalArgumentException("protocols " + set + " are ambiguous for http:// URLs: "
                    + "H2_PRIOR_KNOWLEDGE speaks HTTP/2 there without asking, so it cannot go with HTTP_1_1");
        }
        return List.copyOf(set);
    }

    /**
     * Returns {@code origins} (absolute {@code https://} URLs) as {@code host:port} keys, without
     * repeats: see {@code ClientSession.Builder.http3Origins}.
     *
     * @throws IllegalArgumentException if one is not an absolute {@code https://} URL
     * @throws NullPointerException if it is or contains null
     */
    public static List<String> http3Origins(String... origins) {
        Objects.requireNonNull(origins, "origins");
        Set<String> keys = new LinkedHashSet<>();
        for (String origin : origins) {
            RequestUrl url;
            try {
                url = RequestUrl.parse(Objects.requireNonNull(origin, "origins contains null"));
            } catch (InvalidRequestException e) {
                throw new IllegalArgumentException("not an origin for HTTP/3: " + e.getMessage(), e);
            }
            if (!url.isHttps()) {
                throw new IllegalArgumentException(
                        "HTTP/3 needs an https:// origin (QUIC has no cleartext), not '" + origin + "'");
            }
            keys.add(originKey(url.host(), url.port()));
        }
        return List.copyOf(keys);
    }

    /** Returns the key of an https origin in {@code http3Origins}: {@code host:port}. */
    public static String originKey(String host, int port) {
        return host.toLowerCase(java.util.Locale.ROOT) + ":" + port;
    }

    /**
     * Returns the PING interval to keep: null for none ({@code null} or zero).
     *
     * @throws IllegalArgumentException if {@code interval} is negative
     */
    public static Duration pingInterval(Duration interval) {
        if (interval != null && interval.isNegative()) {
            throw new IllegalArgumentException("the HTTP/2 PING interval must not be negative: " + interval);
        }
        return interval == null || interval.isZero() ? null : interval;
    }
}
