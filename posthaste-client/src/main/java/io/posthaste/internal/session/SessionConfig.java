package io.posthaste.internal.session;

import io.posthaste.CookieJar;
import io.posthaste.EventListener;
import io.posthaste.Headers;
import io.posthaste.HostResolver;
import io.posthaste.Interceptor;
import io.posthaste.JsonCodec;
import io.posthaste.Protocol;
import io.posthaste.RetryPolicy;
import io.posthaste.Timeouts;
import io.posthaste.internal.proxy.Routes;
import io.posthaste.internal.url.RequestUrl;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;

/**
 * Everything a session was configured with, resolved to final values: the public
 * {@code ClientSession.Builder} applies the defaults and validates each value, then names every
 * setting on a {@link Builder}; nothing here defaults or re-checks them.
 *
 * <p>Immutable and thread-safe: every field is final and the collections are unmodifiable copies
 * taken once, when the config is built. The objects it refers to (codec, cookie jar, executor,
 * listener, resolver, interceptors) are shared as given and are thread-safe by their own contracts.
 * Values that may be absent say so on their accessor and are then {@code null}; every other
 * accessor never returns {@code null}.
 */
public final class SessionConfig {

    private final RequestUrl baseUrl;
    private final Headers defaultHeaders;
    private final String userAgent;
    private final Timeouts timeouts;
    private final int maxConnectionsPerOrigin;
    private final int maxConnectionsTotal;
    private final Duration idleTimeout;
    private final boolean raiseForStatus;
    private final JsonCodec jsonCodec;
    private final boolean checkJsonContentType;
    private final long maxResponseBodySize;
    private final int maxResponseHeaderSize;
    private final int maxResponseHeaders;
    private final Set<String> sensitiveHeaders;
    private final boolean decompress;
    private final SSLContext sslContext;
    private final X509TrustManager trustManager;
    private final TlsSettings tls;
    private final Routes routes;
    private final int eventLoopThreads;
    private final ThreadFactory threadFactory;
    private final Executor callbackExecutor;
    private final List<Interceptor> interceptors;
    private final List<Interceptor> networkInterceptors;
    private final boolean followRedirects;
    private final int maxRedirects;
    private final boolean allowHttpsToHttpRedirects;
    private final CookieJar cookieJar;
    private final RetryPolicy retryPolicy;
    private final EventListener eventListener;
    private final SessionAuth auth;
    private final HostResolver resolver;
    private final boolean callerDrivenIo;
    private final boolean nativeTransport;
    private final List<Protocol> protocols;
    private final Duration http2PingInterval;
    private final ReadPacing http2ReadPacing;
    private final Set<String> http3Origins;

    private SessionConfig(Builder b) {
        baseUrl = b.baseUrl;
        defaultHeaders = required(b.defaultHeaders, "defaultHeaders");
        userAgent = required(b.userAgent, "userAgent");
        timeouts = required(b.timeouts, "timeouts");
        maxConnectionsPerOrigin = required(b.maxConnectionsPerOrigin, "maxConnectionsPerOrigin");
        maxConnectionsTotal = required(b.maxConnectionsTotal, "maxConnectionsTotal");
        idleTimeout = required(b.idleTimeout, "idleTimeout");
        raiseForStatus = required(b.raiseForStatus, "raiseForStatus");
        jsonCodec = required(b.jsonCodec, "jsonCodec");
        checkJsonContentType = required(b.checkJsonContentType, "checkJsonContentType");
        maxResponseBodySize = required(b.maxResponseBodySize, "maxResponseBodySize");
        maxResponseHeaderSize = required(b.maxResponseHeaderSize, "maxResponseHeaderSize");
        maxResponseHeaders = required(b.maxResponseHeaders, "maxResponseHeaders");
        sensitiveHeaders = Set.copyOf(required(b.sensitiveHeaders, "sensitiveHeaders"));
        decompress = required(b.decompress, "decompress");
        sslContext = b.sslContext;
        trustManager = b.trustManager;
        tls = b.tls;
        eventLoopThreads = required(b.eventLoopThreads, "eventLoopThreads");
        threadFactory = b.threadFactory;
        callbackExecutor = required(b.callbackExecutor, "callbackExecutor");
        interceptors = List.copyOf(required(b.interceptors, "interceptors"));
        networkInterceptors = List.copyOf(required(b.networkInterceptors, "networkInterceptors"));
        followRedirects = required(b.followRedirects, "followRedirects");
        maxRedirects = required(b.maxRedirects, "maxRedirects");
        allowHttpsToHttpRedirects = required(b.allowHttpsToHttpRedirects, "allowHttpsToHttpRedirects");
        cookieJar = required(b.cookieJar, "cookieJar");
        retryPolicy = required(b.retryPolicy, "retryPolicy");
        eventListener = b.eventListener;
        auth = b.auth;
        resolver = required(b.resolver, "resolver");
        callerDrivenIo = required(b.callerDrivenIo, "callerDrivenIo");
        nativeTransport = required(b.nativeTransport, "nativeTransport");
        protocols = List.copyOf(required(b.protocols, "protocols"));
        http2PingInterval = b.http2PingInterval;
        http2ReadPacing = required(b.http2ReadPacing, "http2ReadPacing");
        routes = b.routes;
        http3Origins = b.http3Origins == null ? Set.of() : Set.copyOf(b.http3Origins);
    }

    /** Returns this library's version, from the build ({@code "dev"} when it is not known). */
    public static String productVersion() {
        try (InputStream in = SessionConfig.class.getResourceAsStream("/io/posthaste/internal/version.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "dev");
        } catch (IOException e) {
            return "dev";
        }
    }

    /** Returns an empty builder: every setting not marked optional must be named before {@code build()}. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The URL that relative request URLs resolve against, or {@code null} when none was set. Also
     * the one origin that {@linkplain #auth() session credentials} are sent to.
     */
    public RequestUrl baseUrl() {
        return baseUrl;
    }

    /** Headers every request carries unless it sets its own of the same name. */
    public Headers defaultHeaders() {
        return defaultHeaders;
    }

    /** The {@code User-Agent} value, sent unless a request sets or skips its own. */
    public String userAgent() {
        return userAgent;
    }

    /** The timeouts every request starts from; a request's own settings override them one by one. */
    public Timeouts timeouts() {
        return timeouts;
    }

    /** The most connections to one origin, in use or idle; positive. */
    public int maxConnectionsPerOrigin() {
        return maxConnectionsPerOrigin;
    }

    /**
     * The most connections in all, across origins, counting those caller-driven threads keep;
     * positive.
     */
    public int maxConnectionsTotal() {
        return maxConnectionsTotal;
    }

    /** How long an idle connection, pooled or kept by a caller-driven thread, is kept; positive. */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** Whether a 4xx or 5xx answer raises {@code ClientResponseException} unless a request says otherwise. */
    public boolean raiseForStatus() {
        return raiseForStatus;
    }

    /** Writes JSON request bodies and reads JSON response bodies. */
    public JsonCodec jsonCodec() {
        return jsonCodec;
    }

    /** Whether {@code Response.json()} refuses a body whose content type is not JSON. */
    public boolean checkJsonContentType() {
        return checkJsonContentType;
    }

    /** The most bytes of a buffered body, counted after decoding; {@code 0..Integer.MAX_VALUE - 8}. */
    public long maxResponseBodySize() {
        return maxResponseBodySize;
    }

    /** The most bytes of a response head's header section; positive. */
    public int maxResponseHeaderSize() {
        return maxResponseHeaderSize;
    }

    /** The most header fields in one response; positive. */
    public int maxResponseHeaders() {
        return maxResponseHeaders;
    }

    /**
     * Lower-case names of the headers whose values never appear in messages and which are not
     * forwarded to another origin on redirect: {@code authorization}, {@code cookie},
     * {@code proxy-authorization} and any the caller declared. Unmodifiable.
     */
    public Set<String> sensitiveHeaders() {
        return sensitiveHeaders;
    }

    /**
     * Whether compressed responses are decoded (every coding in {@code ContentCodings.supported()}:
     * gzip, deflate, and br and zstd where they load) and {@code Accept-Encoding} offers them.
     */
    public boolean decompress() {
        return decompress;
    }

    /** The caller's SSL context, used as given for TLS, or {@code null} to build one. */
    public SSLContext sslContext() {
        return sslContext;
    }

    /**
     * The trust manager of the SSL context built when {@link #sslContext()} is {@code null}, or
     * {@code null} for the JDK's trust store.
     */
    public X509TrustManager trustManager() {
        return trustManager;
    }

    /** The session's TLS choices beyond trust: client certificate, pins, versions, insecure mode. */
    public TlsSettings tls() {
        return tls;
    }

    /** How the session's requests reach their origins: proxies, a Unix socket, or straight. */
    public Routes routes() {
        return routes;
    }

    /** The number of shared event-loop threads; positive. */
    public int eventLoopThreads() {
        return eventLoopThreads;
    }

    /** Makes the shared event-loop threads, or {@code null} for daemon threads named {@code posthaste-io-*}. */
    public ThreadFactory threadFactory() {
        return threadFactory;
    }

    /** Where {@code sendAsync} futures are completed. */
    public Executor callbackExecutor() {
        return callbackExecutor;
    }

    /** Application interceptors, outermost first: each runs once per call. Unmodifiable. */
    public List<Interceptor> interceptors() {
        return interceptors;
    }

    /**
     * Network interceptors, outermost first: each runs for every exchange, redirect hops
     * included. Unmodifiable.
     */
    public List<Interceptor> networkInterceptors() {
        return networkInterceptors;
    }

    /** Whether redirects are followed unless a request says otherwise (HEAD requests only when they ask). */
    public boolean followRedirects() {
        return followRedirects;
    }

    /** The most redirects followed for one call; one more fails it. Zero or more. */
    public int maxRedirects() {
        return maxRedirects;
    }

    /** Whether a redirect may leave https for http; if not, such a redirect fails the call. */
    public boolean allowHttpsToHttpRedirects() {
        return allowHttpsToHttpRedirects;
    }

    /** Where cookies are kept: the caller's jar, or the session's own in-memory one. */
    public CookieJar cookieJar() {
        return cookieJar;
    }

    /** When failed requests are sent again, unless a request sets its own policy. */
    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    /** Hears every step of every call, or {@code null} when no one listens. */
    public EventListener eventListener() {
        return eventListener;
    }

    /** Credentials for the {@linkplain #baseUrl() base URL}'s origin, or {@code null} when none were set. */
    public SessionAuth auth() {
        return auth;
    }

    /** Looks host names up; the transport caches its answers for 10 seconds. */
    public HostResolver resolver() {
        return resolver;
    }

    /** Whether {@code send()} on a platform thread drives its own I/O on an event loop of its own. */
    public boolean callerDrivenIo() {
        return callerDrivenIo;
    }

    /** Whether the native transport (epoll, kqueue) is used where it loads; NIO otherwise. */
    public boolean nativeTransport() {
        return nativeTransport;
    }

    /**
     * The protocols the session speaks, in order of preference, as {@code ClientSession.Builder}
     * validated them (see {@link Protocol}): never empty, no repeats.
     */
    public List<Protocol> protocols() {
        return protocols;
    }

    /**
     * How long an HTTP/2 connection may go without reading a frame before it sends a PING to
     * prove the peer alive, or null for never (the default): see
     * {@code ClientSession.Builder.http2PingInterval}.
     */
    public Duration http2PingInterval() {
        return http2PingInterval;
    }

    /** When a busy HTTP/2 connection holds its next read: {@link ReadPacing#DEFAULT} but in tests. */
    public ReadPacing http2ReadPacing() {
        return http2ReadPacing;
    }

    /**
     * The origins to try HTTP/3 with by prior knowledge, as {@code host:port} (lowercase, IPv6
     * without brackets), all {@code https}: see {@code ClientSession.Builder.http3Origins}. Empty
     * by default.
     */
    public Set<String> http3Origins() {
        return http3Origins;
    }

    /**
     * Whether the session may speak HTTP/3 at all: {@code HTTP_3} among its protocols, or origins
     * named for it by prior knowledge.
     */
    public boolean http3() {
        return protocols.contains(Protocol.HTTP_3) || !http3Origins.isEmpty();
    }

    /** Whether the session speaks HTTP/3 only over TLS ({@code HTTP_3} alone): no TCP fallback. */
    public boolean http3Only() {
        return protocols.equals(List.of(Protocol.HTTP_3));
    }

    /** Whether {@code http://} URLs speak HTTP/2 by prior knowledge (h2c) instead of HTTP/1.1. */
    public boolean h2PriorKnowledge() {
        return protocols.contains(Protocol.H2_PRIOR_KNOWLEDGE);
    }

    /**
     * The ALPN names to offer over TLS, in order of preference: {@code "h2"} for HTTP/2 (by ALPN or
     * prior knowledge), {@code "http/1.1"} for HTTP/1.1.
     */
    public List<String> alpnProtocols() {
        List<String> names = new ArrayList<>(2);
        for (Protocol p : protocols) {
            if (p == Protocol.HTTP_3) {
                continue; // Not offered over TCP: HTTP/3 runs on QUIC.
            }
            String name = p == Protocol.HTTP_1_1 ? "http/1.1" : "h2";
            if (!names.contains(name)) {
                names.add(name);
            }
        }
        return List.copyOf(names);
    }

    private static <T> T required(T value, String setting) {
        if (value == null) {
            throw new IllegalStateException("SessionConfig." + setting + " was not set");
        }
        return value;
    }

    /**
     * Assembles a {@link SessionConfig}, one method per setting, each named after the accessor it
     * sets (see there for its meaning). It stores what it is given; {@link #build()} checks that
     * every required setting was named and copies the collections, so a source collection may
     * change after {@code build()} without the config seeing it. Not thread-safe.
     */
    public static final class Builder {
        // Boxed, so that a required setting left unnamed is caught rather than read as 0 or false:
        // the positional constructor this replaces made that a compile error.
        private RequestUrl baseUrl;
        private Headers defaultHeaders;
        private String userAgent;
        private Timeouts timeouts;
        private Integer maxConnectionsPerOrigin;
        private Integer maxConnectionsTotal;
        private Duration idleTimeout;
        private Boolean raiseForStatus;
        private JsonCodec jsonCodec;
        private Boolean checkJsonContentType;
        private Long maxResponseBodySize;
        private Integer maxResponseHeaderSize;
        private Integer maxResponseHeaders;
        private Collection<String> sensitiveHeaders;
        private Boolean decompress;
        private SSLContext sslContext;
        private X509TrustManager trustManager;
        private TlsSettings tls = TlsSettings.DEFAULT;
        private Routes routes = Routes.DIRECT;
        private Integer eventLoopThreads;
        private ThreadFactory threadFactory;
        private Executor callbackExecutor;
        private Collection<Interceptor> interceptors;
        private Collection<Interceptor> networkInterceptors;
        private Boolean followRedirects;
        private Integer maxRedirects;
        private Boolean allowHttpsToHttpRedirects;
        private CookieJar cookieJar;
        private RetryPolicy retryPolicy;
        private EventListener eventListener;
        private SessionAuth auth;
        private HostResolver resolver;
        private Boolean callerDrivenIo;
        private Boolean nativeTransport;
        private Collection<Protocol> protocols;
        private Duration http2PingInterval;
        private ReadPacing http2ReadPacing = ReadPacing.DEFAULT;
        private Collection<String> http3Origins;

        private Builder() {}

        /** Optional: {@code null} (the default) for none. */
        public Builder baseUrl(RequestUrl baseUrl) {
            this.baseUrl = baseUrl;
            return this;
        }

        public Builder defaultHeaders(Headers defaultHeaders) {
            this.defaultHeaders = defaultHeaders;
            return this;
        }

        public Builder userAgent(String userAgent) {
            this.userAgent = userAgent;
            return this;
        }

        public Builder timeouts(Timeouts timeouts) {
            this.timeouts = timeouts;
            return this;
        }

        public Builder maxConnectionsPerOrigin(int max) {
            this.maxConnectionsPerOrigin = max;
            return this;
        }

        public Builder maxConnectionsTotal(int max) {
            this.maxConnectionsTotal = max;
            return this;
        }

        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
            return this;
        }

        public Builder raiseForStatus(boolean raise) {
            this.raiseForStatus = raise;
            return this;
        }

        public Builder jsonCodec(JsonCodec codec) {
            this.jsonCodec = codec;
            return this;
        }

        public Builder checkJsonContentType(boolean check) {
            this.checkJsonContentType = check;
            return this;
        }

        public Builder maxResponseBodySize(long bytes) {
            this.maxResponseBodySize = bytes;
            return this;
        }

        public Builder maxResponseHeaderSize(int bytes) {
            this.maxResponseHeaderSize = bytes;
            return this;
        }

        public Builder maxResponseHeaders(int count) {
            this.maxResponseHeaders = count;
            return this;
        }

        /** Names already in lower case; copied by {@link #build()}. */
        public Builder sensitiveHeaders(Collection<String> lowerCaseNames) {
            this.sensitiveHeaders = lowerCaseNames;
            return this;
        }

        public Builder decompress(boolean decompress) {
            this.decompress = decompress;
            return this;
        }

        /** Optional: {@code null} (the default) to build a context. */
        public Builder sslContext(SSLContext context) {
            this.sslContext = context;
            return this;
        }

        /** Optional: {@code null} (the default) for the JDK's trust store. */
        public Builder trustManager(X509TrustManager trustManager) {
            this.trustManager = trustManager;
            return this;
        }

        /** Optional: {@link Routes#DIRECT} (the default) sends every request straight to its origin. */
        public Builder routes(Routes routes) {
            this.routes = java.util.Objects.requireNonNull(routes, "routes");
            return this;
        }

        public Builder tls(TlsSettings settings) {
            this.tls = java.util.Objects.requireNonNull(settings, "tls");
            return this;
        }

        public Builder eventLoopThreads(int threads) {
            this.eventLoopThreads = threads;
            return this;
        }

        /** Optional: {@code null} (the default) for daemon threads named {@code posthaste-io-*}. */
        public Builder threadFactory(ThreadFactory factory) {
            this.threadFactory = factory;
            return this;
        }

        public Builder callbackExecutor(Executor executor) {
            this.callbackExecutor = executor;
            return this;
        }

        /** Outermost first; copied by {@link #build()}. */
        public Builder interceptors(Collection<Interceptor> interceptors) {
            this.interceptors = interceptors;
            return this;
        }

        /** Outermost first; copied by {@link #build()}. */
        public Builder networkInterceptors(Collection<Interceptor> interceptors) {
            this.networkInterceptors = interceptors;
            return this;
        }

        public Builder followRedirects(boolean follow) {
            this.followRedirects = follow;
            return this;
        }

        public Builder maxRedirects(int max) {
            this.maxRedirects = max;
            return this;
        }

        public Builder allowHttpsToHttpRedirects(boolean allow) {
            this.allowHttpsToHttpRedirects = allow;
            return this;
        }

        public Builder cookieJar(CookieJar jar) {
            this.cookieJar = jar;
            return this;
        }

        public Builder retryPolicy(RetryPolicy policy) {
            this.retryPolicy = policy;
            return this;
        }

        /** Optional: {@code null} (the default) for none. */
        public Builder eventListener(EventListener listener) {
            this.eventListener = listener;
            return this;
        }

        /** Optional: {@code null} (the default) for none. */
        public Builder auth(SessionAuth auth) {
            this.auth = auth;
            return this;
        }

        public Builder resolver(HostResolver resolver) {
            this.resolver = resolver;
            return this;
        }

        public Builder callerDrivenIo(boolean enabled) {
            this.callerDrivenIo = enabled;
            return this;
        }

        public Builder nativeTransport(boolean enabled) {
            this.nativeTransport = enabled;
            return this;
        }

        public Builder protocols(Collection<Protocol> protocols) {
            this.protocols = protocols;
            return this;
        }

        /** Optional: empty (the default) for none; {@code host:port} strings. */
        public Builder http3Origins(Collection<String> origins) {
            this.http3Origins = origins;
            return this;
        }

        /** Sets when a busy HTTP/2 connection holds its next read (default {@link ReadPacing#DEFAULT}). */
        public Builder http2ReadPacing(ReadPacing pacing) {
            this.http2ReadPacing = pacing;
            return this;
        }

        /** Sets the HTTP/2 PING interval; null (the default) for none. */
        public Builder http2PingInterval(Duration interval) {
            this.http2PingInterval = interval;
            return this;
        }

        /**
         * Returns the config.
         *
         * @throws IllegalStateException naming the first required setting that was not named
         */
        public SessionConfig build() {
            return new SessionConfig(this);
        }
    }
}
