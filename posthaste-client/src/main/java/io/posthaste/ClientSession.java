package io.posthaste;

import io.posthaste.internal.Bridge;
import io.posthaste.internal.chain.Call;
import io.posthaste.internal.decode.ContentCodings;
import io.posthaste.internal.semantics.HeaderRules;
import io.posthaste.internal.session.ProtocolChoice;
import io.posthaste.internal.session.ReadPacing;
import io.posthaste.internal.session.SessionConfig;
import io.posthaste.internal.transport.NettyExchanger;
import io.posthaste.internal.url.RequestUrl;
import io.posthaste.internal.url.UrlCache;
import io.posthaste.internal.websocket.WsConnector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP client session: a pool of keep-alive connections, default headers and settings, shared
 * by every request made through it. Create one per application (or per remote service), share it
 * between threads, and close it when done: it owns event-loop threads and connections.
 *
 * {@snippet :
 * try (ClientSession session = ClientSession.create()) {
 *     Map<String, String> data = Map.of("key1", "value1", "key2", "value2");
 *     Response response = session.post("https://api.example.com/endpoint").json(data).send();
 *     System.out.println(response.status());
 * }
 * }
 *
 * <p>Defaults: raise-for-status on (a 4xx/5xx answer raises {@link ClientResponseException}),
 * {@code User-Agent: posthaste/VERSION}, {@link Timeouts#defaults() the default timeouts},
 * 64 connections per origin and 256 in all, idle connections closed after 50 s, buffered bodies
 * capped at 64 MiB, compressed bodies decoded (gzip and deflate always, br and zstd where their
 * native library loads: {@link #contentCodings()}), TLS 1.2+ with certificate and hostname checks
 * against the JDK's trust store.
 *
 * <p>Threading: {@code send()} blocks the calling thread (cheaply on a virtual thread: nothing
 * pins it; on a platform thread the thread does the exchange's I/O itself, see
 * {@link Builder#callerDrivenIo}); {@code sendAsync()} futures complete on the
 * {@linkplain Builder#callbackExecutor callback executor}, never on an event loop.
 * {@link #close()} is idempotent; a closed session rejects new requests with
 * {@link IllegalStateException}.
 */
public final class ClientSession implements AutoCloseable {

    static {
        Bridge.install(new PosthasteBridge());
    }

    /** This library's version, from the build. */
    public static final String VERSION = SessionConfig.productVersion();

    private final SessionConfig config;
    private final NettyExchanger exchanger;
    private final Call call;
    private final CallThreads threads;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final UrlCache urls;
    private final Set<String> maskedHeaders;
    private final WsConnector websockets;

    private ClientSession(SessionConfig config) {
        this.config = config;
        this.urls = new UrlCache(config.baseUrl());
        this.maskedHeaders = config.sensitiveHeaders().stream()
                .filter(name -> !HeaderRules.isAlwaysSensitive(name))
                .collect(Collectors.toUnmodifiableSet());
        this.exchanger = new NettyExchanger(config);
        this.call = new Call(config, exchanger);
        this.threads = new CallThreads(exchanger, call);
        this.websockets = new WsConnector(exchanger.transport(), config, closed::get);
    }

    /** Returns a session with every default. */
    public static ClientSession create() {
        return builder().build();
    }

    /** Returns a builder for a configured session. */
    public static Builder builder() {
        return new Builder();
    }

    /** Starts a GET request. */
    public RequestBuilder get(String url) {
        return request("GET", url);
    }

    /** Starts a POST request. */
    public RequestBuilder post(String url) {
        return request("POST", url);
    }

    /** Starts a PUT request. */
    public RequestBuilder put(String url) {
        return request("PUT", url);
    }

    /** Starts a PATCH request. */
    public RequestBuilder patch(String url) {
        return request("PATCH", url);
    }

    /** Starts a DELETE request. */
    public RequestBuilder delete(String url) {
        return request("DELETE", url);
    }

    /** Starts a HEAD request; its response never has a body. */
    public RequestBuilder head(String url) {
        return request("HEAD", url);
    }

    /** Starts an OPTIONS request. */
    public RequestBuilder options(String url) {
        return request("OPTIONS", url);
    }

    /**
     * Starts a Server-Sent Events stream: a GET whose {@code text/event-stream} answer is read as
     * events, reconnecting by itself with {@code Last-Event-ID} when the connection drops. Configure
     * it on the returned builder, then {@link EventStream.Builder#open() open()} it.
     *
     * {@snippet :
     * try (EventStream events = session.events("https://example.com/feed").open()) {
     *     for (ServerSentEvent event : events) {
     *         System.out.println(event.id() + " " + event.event() + ": " + event.data());
     *     }
     * }
     * }
     *
     * @throws IllegalStateException if the session is closed
     */
    public EventStream.Builder events(String url) {
        Objects.requireNonNull(url, "url");
        if (closed.get()) {
            throw new IllegalStateException("this ClientSession is closed");
        }
        return new EventStream.Builder(this, url);
    }

    /**
     * Starts a WebSocket (RFC 6455) to a {@code ws://} or {@code wss://} URL ({@code http(s)://}
     * and URLs relative to the base URL work too): configure it on the returned builder, then
     * {@link WebSocket.Builder#connect() connect()} it. The opening handshake carries the
     * session's headers, credentials and cookies, over a connection of its own (HTTP/1.1, with the
     * session's TLS settings), never a pooled one.
     *
     * {@snippet :
     * try (WebSocket ws = session.websocket("wss://example.com/chat").subprotocols("chat").connect()) {
     *     ws.sendText("hello");
     *     System.out.println(ws.receive().text());
     * }
     * }
     *
     * @throws IllegalStateException if the session is closed
     */
    public WebSocket.Builder websocket(String url) {
        Objects.requireNonNull(url, "url");
        if (closed.get()) {
            throw new IllegalStateException("this ClientSession is closed");
        }
        return new WebSocket.Builder(this, url);
    }

    /**
     * Starts a request with any method token, e.g. {@code "PROPFIND"}. A URL relative to the
     * base URL is resolved when the request is built.
     *
     * @throws InvalidRequestException if {@code method} is not an HTTP token
     * @throws IllegalStateException if the session is closed
     */
    public RequestBuilder request(String method, String url) {
        HeaderRules.checkMethod(method);
        Objects.requireNonNull(url, "url");
        if (closed.get()) {
            throw new IllegalStateException("this ClientSession is closed");
        }
        return new RequestBuilder(this, method, url);
    }

    /**
     * Returns the content codings responses may use, in the order {@code Accept-Encoding} lists
     * them: {@code gzip} and {@code deflate} always, {@code br} and {@code zstd} when their native
     * libraries (brotli4j, zstd-jni) load on this platform. Any of them may be chained, at most
     * five deep.
     */
    public static List<String> contentCodings() {
        return ContentCodings.supported();
    }

    /** Returns a snapshot of the connection pool. */
    public PoolStats poolStats() {
        return exchanger.stats();
    }

    /**
     * Returns a snapshot of the connection pool per origin, keyed {@code scheme://host:port}
     * (e.g. {@code https://api.example.com:443}), for each origin that holds a connection (open,
     * being opened or resting) or has calls waiting for one; the figures add up to
     * {@link #poolStats()} (each read apart, so only roughly while calls are under way).
     */
    public Map<String, PoolStats> poolStatsByOrigin() {
        return exchanger.statsByOrigin();
    }

    /** Returns the session's cookie jar. */
    public CookieJar cookieJar() {
        return config.cookieJar();
    }

    /**
     * Returns whether a native transport is in use (epoll on Linux, kqueue on macOS) rather than
     * NIO; see {@link Builder#nativeTransport(boolean)}.
     */
    public boolean usesNativeTransport() {
        return exchanger.isNative();
    }

    /** Returns whether {@link #close()} has been called. */
    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Closes every connection and stops the session's threads. Every call still under way ends
     * with a {@link ClientConnectionException} saying the session was closed, wherever it is: in
     * a host look-up, waiting for or opening a connection, in a retry's backoff, or waiting for
     * its answer. Returns once each connection's handlers have heard of its close (1 s at most)
     * and the threads have stopped (2 s more at most). Idempotent.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            exchanger.close();
        }
    }

    SessionConfig config() {
        return config;
    }

    UrlCache urls() {
        return urls;
    }

    /** Returns what opens this session's WebSockets. */
    WsConnector websockets() {
        return websockets;
    }

    /** Returns the declared sensitive headers that {@link Headers#toString()} does not mask anyway. */
    Set<String> maskedHeaders() {
        return maskedHeaders;
    }

    Call call() {
        return call;
    }

    Request checkOpen(Request request) {
        if (closed.get()) {
            throw new IllegalStateException("this ClientSession is closed");
        }
        return request;
    }

    /** Returns how results reach the threads that wait for them. */
    CallThreads threads() {
        return threads;
    }

    /** Configures a {@link ClientSession}. Not thread-safe; every setting has a stated default. */
    public static final class Builder extends SessionRoutes<Builder> {
        private @Nullable RequestUrl baseUrl;
        private final Headers.Builder headers = Headers.builder();
        private String userAgent = "posthaste/" + VERSION;
        private Timeouts timeouts = Timeouts.defaults();
        private int maxConnectionsPerOrigin = 64;
        private int maxConnectionsTotal = 256;
        private Duration idleTimeout = Duration.ofSeconds(50);
        private boolean raiseForStatus = true;
        private JsonCodec jsonCodec = JsonCodec.jackson();
        private boolean checkJsonContentType = true;
        private long maxResponseBodySize = 64L * 1024 * 1024;
        private int maxResponseHeaderSize = 64 * 1024;
        private int maxResponseHeaders = 128;
        private final Set<String> sensitiveHeaders =
                new TreeSet<>(Set.of("authorization", "cookie", "proxy-authorization"));
        private boolean decompress = true;
        private int eventLoopThreads = Math.min(2, Runtime.getRuntime().availableProcessors());
        private @Nullable ThreadFactory threadFactory;
        private Executor callbackExecutor = ForkJoinPool.commonPool();
        private final List<Interceptor> interceptors = new ArrayList<>();
        private final List<Interceptor> networkInterceptors = new ArrayList<>();
        private boolean followRedirects = true;
        private int maxRedirects = 10;
        private boolean allowHttpsToHttpRedirects;
        private @Nullable CookieJar cookieJar;
        private RetryPolicy retryPolicy = RetryPolicy.none();
        private @Nullable EventListener eventListener;
        private HostResolver resolver = HostResolver.system();
        private boolean callerDrivenIo = true;
        private boolean nativeTransport = true;
        private List<Protocol> protocols = List.of(Protocol.HTTP_2, Protocol.HTTP_1_1);
        private @Nullable Duration http2PingInterval;
        private ReadPacing http2ReadPacing = ReadPacing.DEFAULT;
        private List<String> http3Origins = List.of();

        private Builder() {}

        @Override
        Builder self() {
            return this;
        }

        /**
         * Sets the URL that relative request URLs resolve against (RFC 3986): with base
         * {@code https://h/api/}, {@code "users"} is {@code https://h/api/users} and
         * {@code "/users"} is {@code https://h/users}; an absolute URL ignores the base.
         */
        public Builder baseUrl(String baseUrl) {
            this.baseUrl = RequestUrl.parse(baseUrl);
            return this;
        }

        /** Adds a header sent with every request unless the request sets its own. */
        public Builder header(String name, String value) {
            headers.set(name, value);
            return this;
        }

        /** Sets the {@code User-Agent} (default {@code posthaste/VERSION}). */
        public Builder userAgent(String userAgent) {
            HeaderRules.checkValue("User-Agent", userAgent);
            this.userAgent = userAgent;
            return this;
        }

        /** Sets the default timeouts (see {@link Timeouts#defaults()}). */
        public Builder timeouts(Timeouts timeouts) {
            this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
            return this;
        }

        /** Sets the most connections to one origin (default 64). */
        public Builder maxConnectionsPerOrigin(int max) {
            this.maxConnectionsPerOrigin = positive(max, "maxConnectionsPerOrigin");
            return this;
        }

        /** Sets the most connections in all (default 256). */
        public Builder maxConnectionsTotal(int max) {
            this.maxConnectionsTotal = positive(max, "maxConnectionsTotal");
            return this;
        }

        /** Sets how long an idle connection is kept (default 50 s, below common server limits). */
        public Builder idleTimeout(Duration idleTimeout) {
            Objects.requireNonNull(idleTimeout, "idleTimeout");
            if (idleTimeout.isNegative() || idleTimeout.isZero()) {
                throw new IllegalArgumentException("idleTimeout must be positive: " + idleTimeout);
            }
            this.idleTimeout = idleTimeout;
            return this;
        }

        /** Sets whether 4xx/5xx answers raise {@link ClientResponseException} (default true). */
        public Builder raiseForStatus(boolean raise) {
            this.raiseForStatus = raise;
            return this;
        }

        /**
         * Sets the JSON codec (default {@link JsonCodec#jackson()}: Jackson, ignoring properties
         * a target type does not declare).
         */
        public Builder jsonCodec(JsonCodec codec) {
            this.jsonCodec = Objects.requireNonNull(codec, "codec");
            return this;
        }

        /** Sets whether {@link Response#json()} insists on a JSON content type (default true). */
        public Builder checkJsonContentType(boolean check) {
            this.checkJsonContentType = check;
            return this;
        }

        /** Sets the most bytes of a buffered, decoded response body (default 64 MiB). */
        public Builder maxResponseBodySize(long bytes) {
            if (bytes < 0 || bytes > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("maxResponseBodySize must be 0.." + (Integer.MAX_VALUE - 8));
            }
            this.maxResponseBodySize = bytes;
            return this;
        }

        /** Sets the most bytes of a response's header section (default 64 KiB). */
        public Builder maxResponseHeaderSize(int bytes) {
            this.maxResponseHeaderSize = positive(bytes, "maxResponseHeaderSize");
            return this;
        }

        /** Sets the most header fields in a response (default 128). */
        public Builder maxResponseHeaders(int count) {
            this.maxResponseHeaders = positive(count, "maxResponseHeaders");
            return this;
        }

        /**
         * Declares more headers as sensitive, in addition to {@code Authorization}, {@code Cookie}
         * and {@code Proxy-Authorization}: their values never appear in messages, nor in the
         * {@link Headers#toString()} of this session's requests and responses (an interceptor
         * that prints {@code request.headers()} shows {@code X-Auth-Token: ██}), and they are not
         * forwarded to another origin on redirect. Names are matched in any case.
         */
        public Builder sensitiveHeaders(String... names) {
            for (String name : names) {
                HeaderRules.checkName(name);
                sensitiveHeaders.add(name.toLowerCase(Locale.ROOT));
            }
            return this;
        }

        /**
         * Sets whether compressed bodies are decoded (default true). When on, requests carry
         * {@code Accept-Encoding} with every coding in {@link ClientSession#contentCodings()} unless
         * the caller set or skipped that header; when off, none is sent and bodies arrive as sent.
         */
        public Builder decompress(boolean decompress) {
            this.decompress = decompress;
            return this;
        }

        /** Sets the number of event-loop threads (default min(2, cores)). */
        public Builder eventLoopThreads(int threads) {
            this.eventLoopThreads = positive(threads, "eventLoopThreads");
            return this;
        }

        /** Sets the factory of event-loop threads (default: daemon threads named posthaste-io-*). */
        public Builder threadFactory(ThreadFactory factory) {
            this.threadFactory = Objects.requireNonNull(factory, "factory");
            return this;
        }

        /**
         * Sets whether {@code send()} on a platform thread does the exchange's I/O on that thread
         * (default true). It then needs no hand-off to an event-loop thread and back, which makes
         * one request at a time as cheap as on a blocking socket: the thread writes the request
         * and waits for the answer on an event loop of its own (in {@code epoll_wait},
         * {@code kevent} or an NIO selector, whichever the transport is), with every
         * timeout, TLS, redirects and retries working as usual. Each such thread keeps its
         * connection to each origin it talked to; those count against the connection caps and
         * are closed after {@linkplain #idleTimeout the idle timeout} without a call, when the
         * thread ends, or as soon as another request has to wait for a place in the pool.
         * Virtual threads, {@code stream()} and {@code sendAsync()} always use the shared event
         * loops.
         */
        public Builder callerDrivenIo(boolean enabled) {
            this.callerDrivenIo = enabled;
            return this;
        }

        /**
         * Sets whether the session uses a native transport where its library loads (default
         * true): epoll on Linux (x86_64 and aarch_64) and kqueue on macOS (x86_64 and aarch_64),
         * from the {@code netty-transport-native-*} jars that come with the client. Elsewhere,
         * with those jars excluded, or with {@code false}, the session runs on NIO (the JDK's
         * selectors), with every feature, caller-driven {@code send()} included. Netty's
         * {@code -Dio.netty.transport.noNative=true} turns the native transports off for the
         * whole JVM. {@link ClientSession#usesNativeTransport()} says which one a session got.
         */
        public Builder nativeTransport(boolean enabled) {
            this.nativeTransport = enabled;
            return this;
        }

        /**
         * Sets the protocols the session speaks (default {@code HTTP_2, HTTP_1_1}): over TLS the
         * ones offered by ALPN, in this order of preference ({@link Protocol#H2_PRIOR_KNOWLEDGE}
         * offers {@code h2} there); over cleartext HTTP/2 by prior knowledge if
         * {@link Protocol#H2_PRIOR_KNOWLEDGE} is given, else HTTP/1.1. Common sets:
         * <ul>
         * <li>{@code HTTP_1_1}: HTTP/1.1 only.
         * <li>{@code HTTP_2, HTTP_1_1} (the default): HTTP/2 where a TLS server agrees to it.
         * <li>{@code H2_PRIOR_KNOWLEDGE}: HTTP/2 only: h2c over cleartext, h2 over TLS; a TLS
         *     server that does not agree to {@code h2} fails the request.
         * <li>{@code HTTP_2, H2_PRIOR_KNOWLEDGE}: the same.
         * <li>{@code HTTP_3, HTTP_2, HTTP_1_1}: as the default, and HTTP/3 where a server
         *     advertises it by {@code Alt-Svc}, falling back to TCP (see {@link Protocol#HTTP_3}).
         * <li>{@code HTTP_3}: HTTP/3 only for {@code https://} URLs; HTTP/1.1 for {@code http://}.
         * </ul>
         * Repeats are ignored.
         *
         * @throws IllegalArgumentException if {@code protocols} is empty, or contains neither
         *     {@code HTTP_1_1} nor {@code H2_PRIOR_KNOWLEDGE} (cleartext URLs would have no
         *     protocol: HTTP/2 over cleartext is never negotiated) unless it is {@code HTTP_3}
         *     alone, or contains both (cleartext would be ambiguous)
         * @throws NullPointerException if it is or contains {@code null}
         */
        public Builder protocols(Protocol... protocols) {
            this.protocols = ProtocolChoice.validated(protocols);
            return this;
        }

        /**
         * Names origins known to speak HTTP/3 (prior knowledge, as curl's {@code --http3}): their
         * requests try HTTP/3 over QUIC first, without waiting for an {@code Alt-Svc}
         * advertisement, and fall back to TCP (the session's {@link #protocols}) when QUIC cannot
         * connect, as for an advertised origin (see {@link Protocol#HTTP_3}). Each is an
         * {@code https://} URL of which only scheme, host and port count (default port 443).
         * Replaces any origins named before; none by default.
         *
         * @throws IllegalArgumentException if one is not an absolute {@code https://} URL
         * @throws NullPointerException if it is or contains {@code null}
         */
        public Builder http3Origins(String... origins) {
            this.http3Origins = ProtocolChoice.http3Origins(origins);
            return this;
        }

        /**
         * Sets how long an HTTP/2 connection may read nothing before it sends a PING to prove the
         * server still there (default none: {@code null} or zero turns it off). A PING not
         * acknowledged within the read timeout means the connection is dead: it is closed, its
         * streams fail saying so, and idempotent requests on a reused connection go again on a
         * fresh one. Idle pooled connections are checked too. Whatever this setting, a stream that
         * waited longer than its read timeout sends a PING to check its connection for the others.
         *
         * @throws IllegalArgumentException if {@code interval} is negative
         */
        public Builder http2PingInterval(@Nullable Duration interval) {
            this.http2PingInterval = ProtocolChoice.pingInterval(interval);
            return this;
        }

        /**
         * Sets when a busy HTTP/2 connection holds its next read. Not public: the default suits
         * every use; tests set {@link ReadPacing#EVERY_READ} to run their faults on the paced path.
         */
        Builder http2ReadPacing(ReadPacing pacing) {
            this.http2ReadPacing = Objects.requireNonNull(pacing, "pacing");
            return this;
        }

        /**
         * Sets where {@code sendAsync()} futures complete (default the common fork-join pool).
         * {@code Runnable::run} completes them on the event loop: fastest, but then dependent
         * stages must never block. The futures one event-loop iteration completes are handed over
         * together, as one task that completes them in order (one wake-up of the executor per
         * iteration rather than per response). If the executor refuses the task, each future
         * completes exceptionally: with the exchange's own failure, or else with the refusal.
         */
        public Builder callbackExecutor(Executor executor) {
            this.callbackExecutor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * Adds an application interceptor: it runs once per call, sees the final response after
         * redirects, and runs in the order added (the first added is outermost).
         */
        public Builder addInterceptor(Interceptor interceptor) {
            interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
            return this;
        }

        /** Adds a network interceptor: it runs for every exchange, redirect hops included. */
        public Builder addNetworkInterceptor(Interceptor interceptor) {
            networkInterceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
            return this;
        }

        /**
         * Sets whether 301, 302, 303, 307 and 308 are followed (default true; HEAD requests are
         * not followed unless they ask to be).
         */
        public Builder followRedirects(boolean follow) {
            this.followRedirects = follow;
            return this;
        }

        /** Sets the most redirects followed for one call (default 10). */
        public Builder maxRedirects(int max) {
            if (max < 0) {
                throw new IllegalArgumentException("maxRedirects must be >= 0: " + max);
            }
            this.maxRedirects = max;
            return this;
        }

        /** Sets whether a redirect may go from https to http (default false: it is refused). */
        public Builder allowHttpsToHttpRedirects(boolean allow) {
            this.allowHttpsToHttpRedirects = allow;
            return this;
        }

        /**
         * Sets where cookies are kept: by default a new {@link CookieJar#inMemory()} jar of this
         * session's own; {@link CookieJar#none()} turns cookies off.
         */
        public Builder cookieJar(CookieJar jar) {
            this.cookieJar = Objects.requireNonNull(jar, "jar");
            return this;
        }

        /** Sets when failed requests are sent again (default {@link RetryPolicy#none()}). */
        public Builder retryPolicy(RetryPolicy policy) {
            this.retryPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Sets how host names are looked up (default {@link HostResolver#system()}); answers are
         * cached for 10 seconds either way.
         */
        public Builder resolver(HostResolver resolver) {
            this.resolver = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /** Sets the listener that hears every step of every call (default none). */
        public Builder eventListener(EventListener listener) {
            this.eventListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Returns the session; it starts its threads now. */
        public ClientSession build() {
            SessionConfig.Builder config = SessionConfig.builder()
                    .baseUrl(baseUrl)
                    .defaultHeaders(headers.build())
                    .userAgent(userAgent)
                    .timeouts(timeouts)
                    .maxConnectionsPerOrigin(maxConnectionsPerOrigin)
                    .maxConnectionsTotal(Math.max(maxConnectionsTotal, 1))
                    .idleTimeout(idleTimeout)
                    .raiseForStatus(raiseForStatus)
                    .jsonCodec(jsonCodec)
                    .checkJsonContentType(checkJsonContentType)
                    .maxResponseBodySize(maxResponseBodySize)
                    .maxResponseHeaderSize(maxResponseHeaderSize)
                    .maxResponseHeaders(maxResponseHeaders)
                    .sensitiveHeaders(sensitiveHeaders)
                    .decompress(decompress)
                    .eventLoopThreads(eventLoopThreads)
                    .threadFactory(threadFactory)
                    .callbackExecutor(callbackExecutor)
                    .interceptors(interceptors)
                    .networkInterceptors(networkInterceptors)
                    .followRedirects(followRedirects)
                    .maxRedirects(maxRedirects)
                    .allowHttpsToHttpRedirects(allowHttpsToHttpRedirects)
                    .cookieJar(cookieJar != null ? cookieJar : CookieJar.inMemory())
                    .retryPolicy(retryPolicy)
                    .eventListener(eventListener)
                    .auth(auth(baseUrl, headers.build()))
                    .resolver(resolver)
                    .callerDrivenIo(callerDrivenIo)
                    .nativeTransport(nativeTransport)
                    .protocols(protocols)
                    .http2PingInterval(http2PingInterval)
                    .http2ReadPacing(http2ReadPacing)
                    .http3Origins(http3Origins);
            applyTls(config);
            applyRoutes(config);
            return new ClientSession(config.build());
        }

        private static int positive(int value, String name) {
            if (value <= 0) {
                throw new IllegalArgumentException(name + " must be positive: " + value);
            }
            return value;
        }
    }
}
