package io.posthaste.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.posthaste.testing.internal.AltSvcAdvertiser;
import io.posthaste.testing.internal.ConnectionSetup;
import io.posthaste.testing.internal.H3Listener;
import io.posthaste.testing.internal.RequestHandler;
import io.posthaste.testing.internal.TlsMaterial;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;

/**
 * An embedded HTTP/1.1 and (on request) HTTP/2 and HTTP/3 server for tests: scripted answers (like OkHttp's
 * MockWebServer), httpbin-compatible echo routes, a {@code /sink} that measures uploads of any size
 * without keeping them, and fault injection.
 *
 * <p>A server starts on {@code 127.0.0.1} on an ephemeral port, with one network thread; starting
 * one takes a few milliseconds once the JVM is warm, so a new server per test class (or per test) is
 * fine. Requests to a {@linkplain #mount mounted} Server-Sent Events or WebSocket endpoint go to
 * it; the others are answered from the {@linkplain #enqueue queue} first, then by the
 * {@linkplain Dispatcher#echo() echo routes}; a {@linkplain #dispatcher(Dispatcher) custom dispatcher}
 * replaces both. Every request is recorded for {@link #takeRequest()}.
 *
 * {@snippet :
 * try (TestServer server = TestServer.start()) {
 *     server.enqueue(MockResponse.builder()
 *             .status(422)
 *             .header("Content-Type", "application/json")
 *             .body("{\"error\":\"name is required\"}")
 *             .build());
 *
 *     HttpResponse<String> response = HttpClient.newHttpClient().send(
 *             HttpRequest.newBuilder(server.uri("/create")).POST(BodyPublishers.ofString("{}")).build(),
 *             BodyHandlers.ofString());
 *
 *     RecordedRequest request = server.takeRequest();
 *     assert request.method().equals("POST") && request.bodyUtf8().equals("{}");
 *     assert response.statusCode() == 422;
 *     // With the queue empty, the httpbin-style routes answer:
 *     //   server.url("/post"), "/status/500", "/redirect/3", "/delay/1", "/sink", ...
 * }
 * }
 *
 * <p>Thread-safety: all methods may be called from any thread. {@link #close()} is idempotent, closes
 * every connection, stops the server's threads and waits for them; afterwards {@link #enqueue},
 * {@link #dispatcher}, {@link #url} and {@link #uri} throw {@link IllegalStateException}, while the
 * recorded requests and counters stay readable.
 *
 * <p>HTTP/2 is off unless {@link Builder#http2()} turns it on, and HTTP/3 unless
 * {@link Builder#http3()} does; the same routes, queue and recording then serve them too (see
 * {@link Builder#http2(Http2Options)} and {@link Builder#http3(Http3Options)}).
 */
public final class TestServer implements AutoCloseable {

    /** How many ephemeral ports to try for a TCP port whose number is also free on UDP. */
    private static final int UDP_BIND_ATTEMPTS = 10;

    /** How long {@link #takeRequest()} waits. */
    public static final Duration DEFAULT_TAKE_TIMEOUT = Duration.ofSeconds(10);

    private final Router router;
    private final EventLoopGroup group;
    private final Channel serverChannel;
    private final Set<Channel> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final String urlHost;
    private final int port;
    private final TlsMaterial tls;
    private final Http2Options http2;
    private final Http3Options http3;
    /** The UDP socket answering QUIC (or dropping it), or null without HTTP/3. */
    private final Channel quicChannel;

    private ExecutorService dispatchExecutor;

    private TestServer(Builder b) {
        this.tls = b.tls ? TlsMaterial.generate(b.host, b.http2 != null) : null;
        this.http2 = b.http2;
        this.http3 = b.http3;
        this.router = new Router(b.dispatcher, this::dispatchExecutor);
        this.group = new MultiThreadIoEventLoopGroup(
                1, new DefaultThreadFactory("posthaste-testserver", true), NioIoHandler.newFactory());
        Channel tcp = null;
        Channel udp = null;
        try {
            // HTTP/3 takes the TCP listener's port number on UDP, as real servers do, so that one URL
            // names both. An ephemeral TCP port may be taken on UDP: then try another.
            for (int attempt = 1; udp == null; attempt++) {
                tcp = bindTcp(b);
                if (b.http3 == null) {
                    break;
                }
                int tcpPort = ((InetSocketAddress) tcp.localAddress()).getPort();
                try {
                    udp = bindUdp(b, tcpPort);
                } catch (RuntimeException e) {
                    tcp.close().syncUninterruptibly();
                    if (b.port != 0 || attempt == UDP_BIND_ATTEMPTS) {
                        throw new IllegalStateException(
                                "could not bind UDP " + b.host + ":" + tcpPort + " for HTTP/3 beside the TCP listener",
                                e);
                    }
                }
            }
        } catch (Exception e) {
            // syncUninterruptibly rethrows the checked BindException undeclared; catch it all.
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            throw e instanceof IllegalStateException ise
                    ? ise
                    : new IllegalStateException("could not bind the test server to " + b.host + ":" + b.port, e);
        }
        this.serverChannel = tcp;
        this.quicChannel = udp;
        this.port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
        String host = b.tls && b.host.equals("127.0.0.1") ? "localhost" : b.host;
        this.urlHost = host.contains(":") ? "[" + host + "]" : host;
    }

    private Channel bindTcp(Builder b) {
        RequestHandler tcpRoutes = router;
        AtomicInteger boundPort = new AtomicInteger();
        if (b.http3 != null && b.http3.advertises()) {
            // The port is only known once bound; the advertisement reads it when it is sent.
            tcpRoutes = new AltSvcAdvertiser(router, () -> b.http3.altSvc(boundPort.get()));
        }
        ConnectionSetup setup = new ConnectionSetup(tcpRoutes, tls, b.plainToo, b.http2, b.maxRecordedBodyBytes);
        Channel tcp = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        int id = connections.incrementAndGet();
                        track(ch);
                        setup.init(ch, id);
                    }
                })
                .bind(b.host, b.port)
                .syncUninterruptibly()
                .channel();
        boundPort.set(((InetSocketAddress) tcp.localAddress()).getPort());
        return tcp;
    }

    private Channel bindUdp(Builder b, int udpPort) {
        H3Listener listener =
                new H3Listener(router, tls, b.http3, b.maxRecordedBodyBytes, connections::incrementAndGet, this::track);
        return listener.bind(group, b.host, udpPort);
    }

    private void track(Channel connection) {
        open.add(connection);
        connection.closeFuture().addListener(f -> open.remove(connection));
    }

    /**
     * Returns whether this platform can serve HTTP/3: whether Netty's QUIC native library loads
     * (this build ships it for linux-x86_64 only). Tests that need HTTP/3 assume it, e.g. with
     * {@code Assumptions.assumeTrue(TestServer.http3Available())}.
     */
    public static boolean http3Available() {
        return H3Listener.available();
    }

    /** Starts a plain HTTP/1.1 server on 127.0.0.1 on an ephemeral port. */
    public static TestServer start() {
        return builder().start();
    }

    /**
     * Returns a builder; defaults: plain HTTP/1.1 (no TLS, no HTTP/2), host 127.0.0.1, ephemeral port,
     * queue-then-echo routing, 16 MiB recorded body limit.
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the absolute URL of {@code path}, e.g. {@code http://127.0.0.1:41234/get}, or
     * {@code https://localhost:41234/get} for a TLS server (its certificate names {@code localhost}).
     *
     * @param path starts with {@code /} and may carry a query
     */
    public String url(String path) {
        checkOpen();
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with \"/\": " + path);
        }
        return (tls != null ? "https://" : "http://") + urlHost + ":" + port + path;
    }

    /** Returns {@link #url(String)} as a URI. */
    public URI uri(String path) {
        return URI.create(url(path));
    }

    /** Returns the host used in URLs: {@code 127.0.0.1}, or {@code localhost} for TLS by default. */
    public String host() {
        return urlHost.startsWith("[") ? urlHost.substring(1, urlHost.length() - 1) : urlHost;
    }

    /** Returns the port the server listens on. */
    public int port() {
        return port;
    }

    /** Returns whether the server speaks TLS. */
    public boolean isTls() {
        return tls != null;
    }

    /** Returns whether the server speaks HTTP/2 beside HTTP/1.1 (see {@link Builder#http2()}). */
    public boolean isHttp2() {
        return http2 != null;
    }

    /** Returns whether the server speaks HTTP/3 on UDP beside TCP (see {@link Builder#http3()}). */
    public boolean isHttp3() {
        return http3 != null;
    }

    /** Returns the server's self-signed certificate; TLS servers only. */
    public X509Certificate certificate() {
        return tlsMaterial().certificate();
    }

    /** Returns a trust manager that trusts exactly this server's certificate; TLS servers only. */
    public X509TrustManager trustManager() {
        return tlsMaterial().trustManager();
    }

    /** Returns a client SSLContext that trusts this server (and nothing else); TLS servers only. */
    public SSLContext clientSslContext() {
        return tlsMaterial().clientContext();
    }

    /**
     * Adds an answer to the end of the queue. Queued answers are served first-in first-out before the
     * echo routes; a queued early fault (see {@link Fault}) acts on the next connection or request head.
     *
     * @throws IllegalStateException when the server is closed or a custom dispatcher is installed
     */
    public void enqueue(MockResponse response) {
        checkOpen();
        if (response == null) {
            throw new IllegalArgumentException("response must not be null");
        }
        if (router.dispatcher != null) {
            throw new IllegalStateException("a custom dispatcher receives every request; enqueue has no effect");
        }
        router.queue.add(response);
    }

    /** Returns how many queued answers have not been served yet. */
    public int pendingResponseCount() {
        return router.queue.size();
    }

    /**
     * Returns the next recorded request, waiting up to {@link #DEFAULT_TAKE_TIMEOUT}.
     *
     * @throws IllegalStateException when no request arrives in time
     */
    public RecordedRequest takeRequest() {
        RecordedRequest r = takeRequest(DEFAULT_TAKE_TIMEOUT);
        if (r == null) {
            throw new IllegalStateException("no request arrived within " + DEFAULT_TAKE_TIMEOUT.toSeconds() + " s ("
                    + requestCount() + " received so far)");
        }
        return r;
    }

    /** Returns the next recorded request, or null when none arrives within {@code timeout}. */
    public RecordedRequest takeRequest(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be zero or positive: " + timeout);
        }
        try {
            return router.recorded.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Returns how many requests have been received (heads for early faults, whole requests otherwise). */
    public int requestCount() {
        return router.requestCount.get();
    }

    /**
     * Returns the stream resets clients sent so far (RST_STREAM on HTTP/2, RESET_STREAM on HTTP/3),
     * in the order they arrived (a snapshot; poll when asserting, frames arrive asynchronously).
     */
    public List<ReceivedReset> resetsReceived() {
        return List.copyOf(router.resets);
    }

    /** Returns how many connections have been accepted: TCP connections and QUIC connections alike. */
    public int connectionCount() {
        return connections.get();
    }

    /** Returns how many connections are open right now (closing is asynchronous; poll when asserting). */
    public int openConnectionCount() {
        return open.size();
    }

    /**
     * Replaces routing: every request then goes to {@code d} and the queue is bypassed. Pass
     * {@link Dispatcher#echo()} for the echo routes alone, or null to restore queue-then-echo.
     */
    public void dispatcher(Dispatcher d) {
        checkOpen();
        router.dispatcher = d;
    }

    /**
     * Serves {@code endpoint} on {@code path} (exactly; any query is allowed), replacing what was
     * mounted there: a {@link EventStreamEndpoint} or a {@link WebSocketEndpoint}. A mounted path is
     * answered before the queue, a custom dispatcher and the echo routes; its requests are recorded.
     *
     * @throws IllegalStateException when the server is closed
     */
    public void mount(String path, Endpoint endpoint) {
        checkOpen();
        if (path == null || !path.startsWith("/") || path.indexOf('?') >= 0) {
            throw new IllegalArgumentException("path must start with \"/\" and have no query: " + path);
        }
        if (endpoint == null) {
            throw new IllegalArgumentException("endpoint must not be null");
        }
        router.mounts.put(path, endpoint);
    }

    /** Clears the queue, recorded requests, mounts and custom dispatcher; used between tests sharing a server. */
    void reset() {
        router.queue.clear();
        router.recorded.clear();
        router.mounts.clear();
        router.resets.clear();
        router.dispatcher = null;
    }

    /**
     * Closes every connection and the listening socket, and stops the server's threads, waiting up to a
     * few seconds for them. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        serverChannel.close().syncUninterruptibly();
        List<ChannelFuture> closing = new ArrayList<>();
        open.forEach(c -> closing.add(c.close()));
        if (quicChannel != null) {
            // QUIC connections send their CONNECTION_CLOSE through the UDP socket: let them out first.
            closing.forEach(f -> f.awaitUninterruptibly(1, TimeUnit.SECONDS));
            quicChannel.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        synchronized (this) {
            if (dispatchExecutor != null) {
                dispatchExecutor.shutdownNow();
                try {
                    dispatchExecutor.awaitTermination(2, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** Returns whether {@link #close()} has been called. */
    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public String toString() {
        return "TestServer[" + (tls != null ? "https" : "http") + "://" + urlHost + ":" + port
                + (http2 != null ? ", h2" : "")
                + (http3 != null ? ", h3" : "")
                + (closed.get() ? ", closed" : "") + "]";
    }

    private synchronized ExecutorService dispatchExecutor() {
        if (dispatchExecutor == null) {
            dispatchExecutor =
                    Executors.newCachedThreadPool(new DefaultThreadFactory("posthaste-testserver-dispatch", true));
        }
        return dispatchExecutor;
    }

    private TlsMaterial tlsMaterial() {
        if (tls == null) {
            throw new IllegalStateException(
                    "this test server does not use TLS; start it with TestServer.builder().tls()");
        }
        return tls;
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("the test server is closed");
        }
    }

    /** Configures a {@link TestServer}; not thread-safe. */
    public static final class Builder {
        private boolean tls;
        private boolean plainToo;
        private String host = "127.0.0.1";
        private int port;
        private Dispatcher dispatcher;
        private long maxRecordedBodyBytes = 16L * 1024 * 1024;
        private Http2Options http2;
        private Http3Options http3;

        private Builder() {}

        /** Serves HTTPS with a certificate generated at start (see {@link #trustManager()}). */
        public Builder tls() {
            this.tls = true;
            return this;
        }

        /**
         * With {@link #tls()}, also serves plain HTTP on the same port, telling the two apart by a
         * connection's first bytes; {@link RecordedRequest#tls()} says which a request used. For
         * tests where only the scheme changes, such as a redirect from {@code http://localhost:PORT}
         * to {@code https://localhost:PORT}. {@link #url} still gives the https URL.
         */
        public Builder plainToo() {
            this.plainToo = true;
            return this;
        }

        /** Speaks HTTP/2 too, as {@link Http2Options#defaults()} describe; see {@link #http2(Http2Options)}. */
        public Builder http2() {
            return http2(Http2Options.defaults());
        }

        /**
         * Speaks HTTP/2 too, behaving as {@code options} say. With {@link #tls()} the server offers
         * {@code h2} then {@code http/1.1} by ALPN; on any connection that agreed no protocol (every
         * cleartext one) it takes a client that opens with the HTTP/2 connection preface as speaking
         * h2c by prior knowledge, and any other as speaking HTTP/1.1. There is no {@code Upgrade: h2c}:
         * such a request is answered over HTTP/1.1. Requests on HTTP/2 streams go through the same
         * queue, dispatcher, echo routes and {@code /sink}, and are recorded with
         * {@link RecordedRequest#version()} {@code HTTP/2} and their {@link RecordedRequest#streamId()}.
         */
        public Builder http2(Http2Options options) {
            if (options == null) {
                throw new IllegalArgumentException("HTTP/2 options must not be null; use http2() for the defaults");
            }
            this.http2 = options;
            return this;
        }

        /** Speaks HTTP/3 too, as {@link Http3Options#defaults()} describe; see {@link #http3(Http3Options)}. */
        public Builder http3() {
            return http3(Http3Options.defaults());
        }

        /**
         * Speaks HTTP/3 too, behaving as {@code options} say: QUIC on UDP, on the same address and
         * port number as the TCP listener, so that {@link TestServer#url} names both; with ALPN
         * {@code h3} and the server's certificate. Turns {@link #tls()} on: HTTP/3 is always
         * encrypted. The TCP side advertises it with {@code Alt-Svc} unless the options say not to.
         * Requests on HTTP/3 streams go through the same queue, dispatcher, echo routes and
         * {@code /sink}, and are recorded with {@link RecordedRequest#version()} {@code HTTP/3}, the
         * QUIC stream ID as {@link RecordedRequest#streamId()}, and their QUIC connection counted in
         * {@link TestServer#connectionCount()}. Scripted faults keep their HTTP/2 meaning (see
         * {@link Fault}); stream resets are {@link MockResponse.Builder#resetHttp3Stream}.
         *
         * @throws IllegalStateException from {@link #start()} when this platform has no QUIC native
         *         library (see {@link TestServer#http3Available()}); the message says why
         */
        public Builder http3(Http3Options options) {
            if (options == null) {
                throw new IllegalArgumentException("HTTP/3 options must not be null; use http3() for the defaults");
            }
            this.http3 = options;
            this.tls = true;
            return this;
        }

        /** Sets the address to bind (default {@code 127.0.0.1}; {@code ::1} for IPv6 loopback). */
        public Builder host(String bindHost) {
            if (bindHost == null || bindHost.isBlank()) {
                throw new IllegalArgumentException("host must not be blank");
            }
            this.host = bindHost;
            return this;
        }

        /** Sets the port (default 0: an ephemeral port chosen by the system). */
        public Builder port(int listenPort) {
            if (listenPort < 0 || listenPort > 65535) {
                throw new IllegalArgumentException("port must be between 0 and 65535: " + listenPort);
            }
            this.port = listenPort;
            return this;
        }

        /** Installs a dispatcher that receives every request (see {@link TestServer#dispatcher(Dispatcher)}). */
        public Builder dispatcher(Dispatcher d) {
            this.dispatcher = d;
            return this;
        }

        /** Sets how many body bytes each recorded request keeps (default 16 MiB); the rest is only counted. */
        public Builder maxRecordedBodyBytes(long max) {
            if (max < 0 || max > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("maxRecordedBodyBytes must be between 0 and 2 GiB: " + max);
            }
            this.maxRecordedBodyBytes = max;
            return this;
        }

        /** Starts the server; it is listening when this returns. */
        public TestServer start() {
            if (plainToo && !tls) {
                throw new IllegalStateException("plainToo() serves plain HTTP beside TLS: add tls()");
            }
            if (http3 != null && !H3Listener.available()) {
                throw new IllegalStateException(H3Listener.unavailableReason());
            }
            return new TestServer(this);
        }
    }
}
