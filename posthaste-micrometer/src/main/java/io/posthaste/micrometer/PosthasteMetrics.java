package io.posthaste.micrometer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.posthaste.ClientSession;
import io.posthaste.EventListener;
import io.posthaste.Interceptor;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Micrometer metrics for Posthaste sessions. What it records, always with the common
 * {@linkplain Builder#tags tags}:
 * <ul>
 * <li>{@code http.client.requests} (timer), once per call, from the call to its final response or
 *     failure, retries and redirects included, with the tags Micrometer's and Spring's HTTP client
 *     instrumentations use: {@code method}; {@code uri}, the request's
 *     {@link io.posthaste.UriTemplate} tag or {@code none} (never the URL itself);
 *     {@code status}, the final status or {@code CLIENT_ERROR} when there was none;
 *     {@code outcome} ({@code SUCCESS}, {@code REDIRECTION}, {@code CLIENT_ERROR},
 *     {@code SERVER_ERROR}, {@code INFORMATIONAL}, or {@code UNKNOWN} without a response);
 *     {@code exception}, the failure's simple class name or {@code none} (a cancelled call is
 *     {@code CancellationException}); and {@code client.name}, the host of the request's URL
 *     (or {@code none}, see {@link Builder#hostTag(boolean)}). For a {@linkplain
 *     io.posthaste.RequestBuilder#stream() streamed} call, the time ends when the head arrives.</li>
 * <li>{@code posthaste.pool.connections} (gauge, tag {@code state}: {@code leased}, {@code idle},
 *     {@code connecting}) and {@code posthaste.pool.pending} (gauge: calls waiting for a
 *     connection), per session (tag {@code session}), from {@link ClientSession#poolStats()}, once
 *     {@link #bindPool(ClientSession, String)} is called; and the same per origin,
 *     {@code posthaste.pool.origin.connections} and {@code posthaste.pool.origin.pending} (tags
 *     {@code session} and {@code origin}, e.g. {@code https://api.example.com:443}), from
 *     {@link ClientSession#poolStatsByOrigin()}, registered as each origin is first connected to
 *     — unless {@link Builder#hostTag(boolean)} is off, as origins are then not bounded.</li>
 * <li>{@code posthaste.connect} (timer, tag {@code outcome}: {@code SUCCESS} or {@code FAILURE}):
 *     one per TCP connect, so its count is the number of connections opened; and
 *     {@code posthaste.tls.handshake} (timer, same tag): one per TLS handshake. Both come from the
 *     session's {@link EventListener}; starts and ends are paired per address (per origin for
 *     TLS) in order, so with concurrent connects to one address single durations may be paired
 *     across connections, while counts and sums stay exact.</li>
 * </ul>
 *
 * <p>Install both parts on the session's builder with {@link #instrument}; it sets the session's
 * one event listener, so to keep a listener of your own, forward to {@link #eventListener()}
 * from it instead. A request with its own {@linkplain io.posthaste.RequestBuilder#interceptors
 * interceptor list} replaces the session's application interceptors, and so is not timed unless
 * its list holds {@link #interceptor()}. Thread-safe; one instance may serve several sessions.
 *
 * {@snippet :
 * PosthasteMetrics metrics = PosthasteMetrics.builder(registry).tags("client", "billing").build();
 * ClientSession session = metrics.instrument(ClientSession.builder()).build();
 * metrics.bindPool(session, "billing");
 * session.get("https://api.example.com/users/42")
 *         .tag(UriTemplate.class, new UriTemplate("/users/{id}"))
 *         .send();
 * }
 */
public final class PosthasteMetrics {

    private final MeterRegistry registry;
    private final Tags tags;
    private final RequestTimer requestTimer;
    private final ConnectionTimers connectionTimers;
    private final boolean originGauges;
    /** The per-origin gauges of each bound session, refreshed after each new connection. */
    private final List<OriginGauges> bound = new CopyOnWriteArrayList<>();

    private PosthasteMetrics(Builder builder) {
        this.registry = builder.registry;
        this.tags = builder.tags;
        this.requestTimer = new RequestTimer(registry, tags, builder.hostTag);
        this.connectionTimers = new ConnectionTimers(registry, tags, this::refreshOrigins);
        this.originGauges = builder.hostTag;
    }

    /** Returns metrics recorded in {@code registry}, with no common tags. */
    public static PosthasteMetrics create(MeterRegistry registry) {
        return builder(registry).build();
    }

    /** Returns a builder of metrics recorded in {@code registry}. */
    public static Builder builder(MeterRegistry registry) {
        return new Builder(registry);
    }

    /**
     * Adds {@link #interceptor()} as an application interceptor (added now: interceptors added
     * before it run outside it and are timed too) and sets {@link #eventListener()} as the
     * session's event listener, replacing any set before.
     *
     * @return {@code session}, for chaining
     */
    public ClientSession.Builder instrument(ClientSession.Builder session) {
        return session.addInterceptor(requestTimer).eventListener(connectionTimers);
    }

    /** Returns the interceptor that records {@code http.client.requests}, once per call. */
    public Interceptor interceptor() {
        return requestTimer;
    }

    /** Returns the listener that records {@code posthaste.connect} and {@code posthaste.tls.handshake}. */
    public EventListener eventListener() {
        return connectionTimers;
    }

    /**
     * Registers the pool gauges of {@code session}, tagged {@code session=name}, read from
     * {@link ClientSession#poolStats()} at each scrape. The gauges hold the session weakly, as
     * Micrometer gauges do: once it is garbage-collected they report {@code NaN}. Register each
     * session under its own name (Micrometer keeps the first gauge of a given name and tags).
     */
    public void bindPool(ClientSession session, String name) {
        Tags sessionTags = tags.and("session", Objects.requireNonNull(name, "name"));
        PoolGauges.register(registry, sessionTags, Objects.requireNonNull(session, "session"));
        if (originGauges) {
            OriginGauges gauges = new OriginGauges(registry, sessionTags, session);
            gauges.refresh();
            bound.add(gauges);
        }
    }

    /** A connection opened: its origin may be new to a bound session. Forgets collected sessions. */
    private void refreshOrigins() {
        bound.removeIf(gauges -> !gauges.refresh());
    }

    /** Configures {@link PosthasteMetrics}; not thread-safe. */
    public static final class Builder {
        private final MeterRegistry registry;
        private Tags tags = Tags.empty();
        private boolean hostTag = true;

        private Builder(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        /** Adds common tags, as alternating keys and values, to every meter. */
        public Builder tags(String... keysAndValues) {
            tags = tags.and(keysAndValues);
            return this;
        }

        /** Adds common tags to every meter. */
        public Builder tags(Iterable<Tag> more) {
            tags = tags.and(more);
            return this;
        }

        /**
         * Sets whether {@code client.name} is the request's host (default true). Turn it off for a
         * session that calls hosts chosen by users (webhooks, crawlers): one series per host would
         * not be bounded; {@code client.name} is then {@code none}.
         */
        public Builder hostTag(boolean enabled) {
            this.hostTag = enabled;
            return this;
        }

        /** Returns the metrics. */
        public PosthasteMetrics build() {
            return new PosthasteMetrics(this);
        }
    }
}
