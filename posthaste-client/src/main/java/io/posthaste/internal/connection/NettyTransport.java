package io.posthaste.internal.connection;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ManualIoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.UnixChannel;
import io.netty.handler.proxy.ProxyHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import io.posthaste.Event;
import io.posthaste.Timeouts;
import io.posthaste.internal.proxy.ProxyAddress;
import io.posthaste.internal.semantics.HttpSemantics;
import io.posthaste.internal.session.Events;
import io.posthaste.internal.session.SessionConfig;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The session's Netty machinery: the event-loop group (native epoll when its library loads, NIO
 * otherwise), the TLS context, the bootstrap, and a small pool of threads for blocking work that
 * must never run on an event loop (DNS look-ups, reading streams and files for TLS uploads).
 */
public final class NettyTransport implements AutoCloseable {

    /** The pipeline names of the handlers a connect adds, in pipeline order. */
    private static final String PROXY_TLS = "proxy-tls";

    private static final String PROXY = "proxy";
    private static final String PROXY_GUARD = "proxy-guard";
    private static final String TLS = "tls";

    private final SessionConfig config;
    private final EventLoopGroup group;
    private final IoTransport io;
    private final Bootstrap bootstrap;
    private final Bootstrap unixBootstrap;
    private final ExecutorService blockingExecutor;
    private final TlsClient tls;
    private final DnsCache dns;
    /**
     * Every channel this transport opened and has not seen closed. A connect that reaches its
     * loop while the loop is shutting down is registered after the loop's last sweep of its
     * channels; {@link #close()} closes what the sweep missed.
     */
    private final Set<Channel> channels = ConcurrentHashMap.newKeySet();

    private volatile boolean closing;

    /** Starts the event loops for {@code config}. */
    public NettyTransport(SessionConfig config) {
        this.config = config;
        this.tls = new TlsClient(config);
        this.io = IoTransport.pick(config.nativeTransport());
        ThreadFactory threads = config.threadFactory() != null
                ? config.threadFactory()
                : new DefaultThreadFactory("posthaste-io", true);
        this.group = new MultiThreadIoEventLoopGroup(config.eventLoopThreads(), threads, io.handlerFactory());
        this.bootstrap = new Bootstrap()
                .group(group)
                .channelFactory(io.channelFactory())
                .resolver(NoopAddressResolverGroup.INSTANCE)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                // A failed write shuts the output down instead of closing the channel, so that an
                // answer the server sent before it stopped reading (an early 413 or 401, then a
                // reset) can still be read (security checklist 25).
                .option(ChannelOption.AUTO_CLOSE, false)
                // The server's FIN is seen before the socket closes, so that the connection can
                // tell whether a reset came with it (see Http1Connection#peerReset); it then closes.
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true);
        // A Unix socket has no TCP options: the same bootstrap less those.
        // NIO's channel for them wraps the JDK's UnixDomainSocketAddress channels (Java 16+).
        this.unixBootstrap = new Bootstrap()
                .group(group)
                .channelFactory(io.domainChannelFactory())
                .resolver(NoopAddressResolverGroup.INSTANCE)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .option(ChannelOption.AUTO_CLOSE, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true);
        AtomicInteger counter = new AtomicInteger();
        this.blockingExecutor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "posthaste-blocking-" + counter.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.dns = new DnsCache(
                host -> {
                    List<InetAddress> addresses = config.resolver().resolve(host);
                    if (addresses == null || addresses.isEmpty()) {
                        throw new UnknownHostException(host + ": the resolver returned no address");
                    }
                    return addresses.toArray(InetAddress[]::new);
                },
                blockingExecutor,
                TimeUnit.SECONDS.toNanos(10));
    }

    /** Returns the event-loop group. */
    public EventLoopGroup group() {
        return group;
    }

    /** Returns whether a native transport (epoll or kqueue) is in use rather than NIO. */
    public boolean isNative() {
        return io.isNative();
    }

    /** Returns the executor for blocking work. */
    public ExecutorService blockingExecutor() {
        return blockingExecutor;
    }

    /**
     * Opens a connection to {@code origin} on {@code loops} (the shared group, or a caller's own
     * loop), the way its route says: resolves the host it dials (the origin's, or the proxy's)
     * off the event loop (an IP literal needs no look-up) and tries each address in turn, or
     * dials the route's Unix socket. Through a proxy it first completes what the proxy needs: TLS
     * to an HTTPS proxy (verified like any server), then the tunnel ({@code CONNECT}, SOCKS),
     * unless the proxy takes the origin's requests as they are. For https it then completes the
     * TLS handshake with the origin before the connection is handed out. {@code protocol} puts
     * the protocol's handlers in the new channel's pipeline, behind TLS: for cleartext the
     * session's one ({@code h2} by prior knowledge, else HTTP/1.1; always HTTP/1.1 to a
     * forwarding proxy), for TLS the one the server picked by ALPN among those offered. The
     * connection is handed out once the protocol says it is ready, which must happen within the
     * TLS-handshake timeout.
     */
    public <C extends Connection> CompletableFuture<C> connect(
            Origin origin, EventLoopGroup loops, Timeouts spec, ProtocolInstaller<C> protocol) {
        return connect(origin, loops, spec, protocol, false);
    }

    /**
     * Opens a connection like {@link #connect(Origin, EventLoopGroup, Timeouts, ProtocolInstaller)}
     * on the shared loops that speaks HTTP/1.1 whatever the session's protocols: over TLS, ALPN
     * offers {@code http/1.1} alone. For connections that leave HTTP behind (a WebSocket): they
     * are never pooled, but the transport still closes them when the session closes.
     */
    public <C extends Connection> CompletableFuture<C> connectHttp1(
            Origin origin, Timeouts spec, ProtocolInstaller<C> protocol) {
        return connect(origin, group, spec, protocol, true);
    }

    private <C extends Connection> CompletableFuture<C> connect(
            Origin origin, EventLoopGroup loops, Timeouts spec, ProtocolInstaller<C> protocol, boolean http1Only) {
        Dial dial = new Dial(
                origin,
                loops,
                (int) Math.min(Integer.MAX_VALUE, spec.connect().toMillis()),
                (int) Math.min(Integer.MAX_VALUE, spec.tlsHandshake().toMillis()),
                http1Only,
                null);
        CompletableFuture<C> result = new CompletableFuture<>();
        Path unixSocket = origin.route().unixSocket();
        if (unixSocket != null) {
            SocketAddress address = io.isNative()
                    ? new DomainSocketAddress(unixSocket.toFile())
                    : UnixDomainSocketAddress.of(unixSocket);
            if (bound(result, dial, 1)) {
                connect(dial, new SocketAddress[] {address}, null, 0, protocol, result, 0, System.nanoTime());
            }
            return result;
        }
        ProxyAddress proxy = origin.route().proxy();
        String host = proxy != null ? proxy.host() : origin.host();
        int port = proxy != null ? proxy.port() : origin.port();
        boolean lookup = !HttpSemantics.isIpLiteral(host);
        long startNanos = System.nanoTime();
        if (lookup) {
            Events.emit(config.eventListener(), Event.Type.DNS_START, null, host);
        }
        CompletableFuture<InetAddress[]> target = proxy != null && ProxyDialer.resolvesTarget(proxy)
                ? resolve(origin.host())
                : CompletableFuture.completedFuture(null);
        resolve(host)
                .thenCombine(target, (addresses, targetAddresses) -> {
                    SocketAddress[] dialed = new SocketAddress[addresses.length];
                    for (int i = 0; i < addresses.length; i++) {
                        dialed[i] = new InetSocketAddress(addresses[i], port);
                    }
                    return new Resolved(dialed, targetAddresses == null ? null : targetAddresses[0]);
                })
                .whenComplete((resolved, failure) -> {
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause()
                            : failure;
                    if (lookup) {
                        Events.emit(config.eventListener(), Event.Type.DNS_END, null, host, 0, 0, cause);
                    }
                    if (cause != null) {
                        result.completeExceptionally(cause);
                    } else if (bound(result, dial, resolved.dialed().length)) {
                        long resolvedNanos = System.nanoTime();
                        connect(
                                dial,
                                resolved.dialed(),
                                resolved.target(),
                                0,
                                protocol,
                                result,
                                lookup ? resolvedNanos - startNanos : 0,
                                resolvedNanos);
                    }
                });
        return result;
    }

    /**
     * The handlers one connect puts before the origin's protocol to pass its proxy, kept as made:
     * a channel that closes takes them out of its pipeline, but their futures still tell how the
     * proxy answered. Written by the channel's initializer, read on its loop after the connect.
     */
    private static final class ProxyLeg {
        SslHandler tls;
        ProxyHandler tunnel;
    }

    /**
     * Ends {@code result} with a timeout if the connect outlives the sum of its phases' own
     * timeouts: per address, TCP, then the proxy's TLS and answer and the origin's TLS, twice over
     * (a proxy's Digest challenge dials again). Each phase bounds itself; this is the last
     * resort, so that no connect can leave its call waiting forever if a completion is ever lost
     * (interop runs through squid showed one in a few hundred failed {@code CONNECT}s). A
     * connection that turns up afterwards is closed ({@link #whenReady}).
     *
     * <p>Returns false, having failed {@code result}, if the loops take no more work: the session
     * closed while the look-up ran (a resolver may answer after {@link #close()} returned), and
     * a task the loops refuse must not take the call's completion with it. (A session closing
     * with its loops still up is refused by the connect itself.)
     */
    private boolean bound(CompletableFuture<?> result, Dial dial, int addresses) {
        long phases = (long) dial.connectTimeoutMillis() + 2L * dial.handshakeTimeoutMillis();
        long millis = 2 * addresses * phases + 1_000;
        ScheduledFuture<?> timer;
        try {
            timer = dial.loops()
                    .next()
                    .schedule(
                            () -> result.completeExceptionally(new ConnectTimeoutException(
                                    "connecting to " + dial.origin() + " did not end within " + millis + " ms")),
                            millis,
                            TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopped) {
            result.completeExceptionally(new ConnectionPool.PoolClosedException());
            return false;
        }
        result.whenComplete((c, failure) -> timer.cancel(false));
        return true;
    }

    /**
     * The addresses a connect dials (the origin's, or the proxy's), and the target's own address
     * when the client looks it up for the proxy ({@code socks5://}), else {@code null}.
     */
    private record Resolved(SocketAddress[] dialed, InetAddress target) {}

    /**
     * What one connect needs to know throughout, whichever address it tries: whether it must
     * speak HTTP/1.1 whatever the session offers ({@code http1Only}), and the
     * {@code Proxy-Authorization} answering an HTTP proxy's Digest challenge once it gave one.
     */
    private record Dial(
            Origin origin,
            EventLoopGroup loops,
            int connectTimeoutMillis,
            int handshakeTimeoutMillis,
            boolean http1Only,
            String proxyAuthorization) {

        Dial withProxyAuthorization(String authorization) {
            return new Dial(origin, loops, connectTimeoutMillis, handshakeTimeoutMillis, http1Only, authorization);
        }
    }

    private <C extends Connection> void connect(
            Dial dial,
            SocketAddress[] addresses,
            InetAddress target,
            int index,
            ProtocolInstaller<C> protocol,
            CompletableFuture<C> result,
            long dnsNanos,
            long connectStartNanos) {
        Origin origin = dial.origin();
        ProxyAddress proxy = origin.route().proxy();
        boolean tunnel = proxy != null && origin.forwardingProxy() == null;
        // What speaks to the origin goes in at once, unless a proxy must be passed first.
        boolean installNow = proxy == null || !tunnel && proxy.kind() != ProxyAddress.Kind.HTTPS;
        CompletableFuture<C> installed = new CompletableFuture<>();
        SocketAddress address = addresses[index];
        Events.emit(config.eventListener(), Event.Type.CONNECT_START, null, address.toString());
        if (closing) {
            result.completeExceptionally(new ConnectionPool.PoolClosedException());
            return;
        }
        Bootstrap chosen = origin.route().unixSocket() != null ? unixBootstrap : bootstrap;
        ProxyLeg leg = new ProxyLeg();
        ChannelFuture connected = chosen.clone(dial.loops())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, dial.connectTimeoutMillis())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) throws SSLException {
                        channels.add(ch);
                        ch.closeFuture().addListener(f -> channels.remove(ch));
                        if (proxy != null && proxy.kind() == ProxyAddress.Kind.HTTPS) {
                            SslHandler proxyTls = tls.newProxyHandler(ch, proxy.host(), proxy.port());
                            proxyTls.setHandshakeTimeoutMillis(dial.handshakeTimeoutMillis());
                            ch.pipeline().addLast(PROXY_TLS, proxyTls);
                            leg.tls = proxyTls;
                            if (!tunnel) {
                                // No tunnel handler to hear a TLS failure first: the guard keeps
                                // it from the pipeline's tail (the caller hears of it anyway).
                                ch.pipeline().addLast(PROXY_GUARD, new ProxyDialer.UntilOpen());
                            }
                        }
                        if (tunnel) {
                            leg.tunnel = ProxyDialer.tunnel(
                                    proxy,
                                    (InetSocketAddress) address,
                                    dial.connectTimeoutMillis(),
                                    dial.proxyAuthorization());
                            ch.pipeline().addLast(PROXY, leg.tunnel);
                            ch.pipeline().addLast(PROXY_GUARD, new ProxyDialer.UntilOpen());
                        }
                        if (installNow) {
                            installProtocol(ch, dial, protocol, installed);
                        }
                    }
                })
                // Through a tunnel the proxy handler dials the proxy and asks it for this.
                .connect(tunnel ? ProxyDialer.destination(proxy, origin, target) : address);
        connected.addListener(f -> {
            Events.emit(
                    config.eventListener(),
                    f.isSuccess() ? Event.Type.CONNECT_END : Event.Type.CONNECT_FAILED,
                    null,
                    address.toString(),
                    0,
                    0,
                    f.cause());
            if (!f.isSuccess()) {
                // Refused or silent: either way the next address may answer (each gets the full
                // connect timeout, as in OkHttp's route selection).
                if (index + 1 < addresses.length) {
                    connect(dial, addresses, target, index + 1, protocol, result, dnsNanos, connectStartNanos);
                } else {
                    result.completeExceptionally(connectFailure(f.cause(), origin));
                }
                return;
            }
            Channel ch = connected.channel();
            long connectedNanos = System.nanoTime();
            throughProxy(ch, dial, leg).addListener(p -> {
                if (p.isSuccess()
                        && !ch.isActive()
                        && (!installNow || ch.pipeline().get(TLS) == null)) {
                    // Closed as the way through opened: TLS added to a closed channel never
                    // completes. (TLS installed from the start has heard the close and failed its
                    // handshake: the handshake's listener reports that as a TLS failure, which a
                    // server hanging up at our ClientHello is.)
                    result.completeExceptionally(new ClosedChannelException());
                    return;
                }
                if (!p.isSuccess()) {
                    ch.close();
                    String digest = dial.proxyAuthorization() == null
                            ? ProxyDialer.digestAnswer(p.cause(), proxy, origin)
                            : null;
                    if (digest != null) {
                        // The proxy asked for Digest: answer on a new connection, once.
                        connect(
                                dial.withProxyAuthorization(digest),
                                addresses,
                                target,
                                index,
                                protocol,
                                result,
                                dnsNanos,
                                System.nanoTime());
                    } else {
                        result.completeExceptionally(ProxyDialer.failure(p.cause(), proxy, origin));
                    }
                    return;
                }
                if (!installNow) {
                    try {
                        installProtocol(ch, dial, protocol, installed);
                    } catch (SSLException | RuntimeException e) {
                        ch.close();
                        result.completeExceptionally(e);
                        return;
                    }
                }
                handshake(ch, dial, installed, result, dnsNanos, connectedNanos - connectStartNanos, connectedNanos);
            });
        });
        result.whenComplete((c, failure) -> {
            if (result.isCancelled()) {
                connected.channel().close();
            }
        });
    }

    /**
     * Returns {@code cause} as a failure to connect: a missing or refusing Unix socket fails with
     * whatever the transport throws ({@code FileNotFoundException} on epoll), which is a refused
     * connect all the same.
     */
    private static Throwable connectFailure(Throwable cause, Origin origin) {
        if (origin.route().unixSocket() == null || cause instanceof ConnectException) {
            return cause;
        }
        ConnectException refused = new ConnectException(
                cause.getMessage() != null
                        ? cause.getMessage()
                        : cause instanceof java.io.FileNotFoundException
                                ? "No such file or directory"
                                : cause.getClass().getSimpleName());
        refused.initCause(cause);
        return refused;
    }

    /**
     * Returns a future done once the way through the proxy is open on {@code ch}: TLS to an HTTPS
     * proxy verified, then the tunnel, if any; done at once without a proxy.
     */
    private io.netty.util.concurrent.Future<?> throughProxy(Channel ch, Dial dial, ProxyLeg leg) {
        ProxyAddress proxy = dial.origin().route().proxy();
        if (proxy == null) {
            return ch.newSucceededFuture();
        }
        io.netty.util.concurrent.Promise<Void> open = ch.eventLoop().newPromise();
        SslHandler proxyTls = leg.tls;
        io.netty.util.concurrent.Future<?> tlsDone =
                proxyTls == null ? ch.newSucceededFuture() : proxyTls.handshakeFuture();
        tlsDone.addListener(t -> {
            if (!t.isSuccess()) {
                open.tryFailure(new ProxyTlsException(proxy, t.cause()));
                return;
            }
            if (proxyTls != null) {
                try {
                    SubjectAltNames.verify(proxyTls.engine().getSession(), proxy.host(), config.tls());
                } catch (SSLPeerUnverifiedException e) {
                    open.tryFailure(new ProxyTlsException(proxy, e));
                    return;
                }
            }
            // The handler as made, not as found in the pipeline: a proxy that refused and
            // closed before this ran took it out of the pipeline, and its future says why.
            ProxyHandler tunnel = leg.tunnel;
            if (tunnel == null) {
                // A forwarding proxy: nothing to wait for once its TLS is up. (A channel that
                // closed meanwhile is caught where this future is heard.)
                dropGuard(ch);
                open.trySuccess(null);
                return;
            }
            tunnel.connectFuture().addListener(c -> {
                if (c.isSuccess()) {
                    dropGuard(ch);
                    open.trySuccess(null);
                } else {
                    open.tryFailure(c.cause());
                }
            });
        });
        return open;
    }

    /** The way through the proxy is open: failures from now on are the protocol's to hear. */
    private static void dropGuard(Channel ch) {
        if (ch.pipeline().get(PROXY_GUARD) != null) {
            ch.pipeline().remove(PROXY_GUARD);
        }
    }

    /**
     * Adds what speaks to the origin at the end of {@code ch}'s pipeline: TLS and ALPN for https,
     * else the protocol at once.
     */
    private <C extends Connection> void installProtocol(
            Channel ch, Dial dial, ProtocolInstaller<C> protocol, CompletableFuture<C> installed) throws SSLException {
        Origin origin = dial.origin();
        if (!origin.https()) {
            // A forwarding proxy speaks HTTP/1.1: HTTP/2 by prior knowledge is for the origin.
            AlpnNegotiation.install(
                    protocol,
                    ch,
                    config.h2PriorKnowledge() && origin.forwardingProxy() == null && !dial.http1Only()
                            ? ProtocolInstaller.H2
                            : ProtocolInstaller.HTTP_1_1,
                    installed);
            return;
        }
        SslHandler ssl = tls.newHandler(ch, origin, dial.http1Only());
        ssl.setHandshakeTimeoutMillis(dial.handshakeTimeoutMillis());
        ch.pipeline().addLast(TLS, ssl);
        if (tls.offersH2() && !dial.http1Only()) {
            ch.pipeline().addLast("alpn", new AlpnNegotiation<>(config.alpnProtocols(), protocol, installed, ssl));
        } else {
            AlpnNegotiation.install(protocol, ch, ProtocolInstaller.HTTP_1_1, installed);
        }
    }

    /** Completes the origin's TLS handshake, if any, then hands the connection out when ready. */
    private <C extends Connection> void handshake(
            Channel ch,
            Dial dial,
            CompletableFuture<C> installed,
            CompletableFuture<C> result,
            long dnsNanos,
            long connectNanos,
            long connectedNanos) {
        Origin origin = dial.origin();
        SslHandler ssl = (SslHandler) ch.pipeline().get(TLS);
        if (ssl == null) {
            new ConnectTimes(dnsNanos, connectNanos, 0).attachTo(ch);
            whenReady(ch, installed, dial.handshakeTimeoutMillis(), result);
            return;
        }
        Events.emit(config.eventListener(), Event.Type.TLS_START, null, origin.toString());
        ssl.handshakeFuture().addListener(h -> {
            Throwable failure = h.cause();
            if (failure == null) {
                try {
                    SubjectAltNames.verify(ssl.engine().getSession(), origin.host(), config.tls());
                } catch (SSLPeerUnverifiedException e) {
                    failure = e;
                }
            }
            if (failure instanceof ClosedChannelException) {
                // The server hung up mid-handshake (often its refusal of our version, name or
                // certificate): a TLS failure, as peers report it, not a connection that broke.
                SSLHandshakeException cut =
                        new SSLHandshakeException("the server closed the connection during the TLS handshake");
                cut.initCause(failure);
                failure = cut;
            }
            Events.emit(config.eventListener(), Event.Type.TLS_END, null, origin.toString(), 0, 0, failure);
            if (failure == null) {
                new ConnectTimes(dnsNanos, connectNanos, System.nanoTime() - connectedNanos).attachTo(ch);
                whenReady(ch, installed, dial.handshakeTimeoutMillis(), result);
            } else {
                ch.close();
                result.completeExceptionally(failure);
            }
        });
    }

    /**
     * Hands the connection out once its protocol is ready, within {@code timeoutMillis} (a server
     * that never sends its HTTP/2 SETTINGS must not hold the request forever); closes the
     * channel otherwise.
     */
    private static <C extends Connection> void whenReady(
            Channel ch, CompletableFuture<C> installed, int timeoutMillis, CompletableFuture<C> result) {
        if (!installed.isDone()) {
            var timer = ch.eventLoop()
                    .schedule(
                            () -> installed.completeExceptionally(new IOException(
                                    "the server did not begin HTTP/2 (no SETTINGS) within " + timeoutMillis + " ms")),
                            timeoutMillis,
                            TimeUnit.MILLISECONDS);
            installed.whenComplete((c, failure) -> timer.cancel(false));
        }
        installed.whenComplete((connection, failure) -> {
            if (failure == null) {
                if (!result.complete(connection)) {
                    ch.close(); // the connect was given up meanwhile (bound)
                }
            } else {
                ch.close();
                result.completeExceptionally(failure);
            }
        });
    }

    /**
     * Resolves {@code host} as connections do (an IP literal needs no look-up; names go through
     * the session's resolver and DNS cache, off the event loop), emitting the DNS events.
     */
    public CompletableFuture<InetAddress[]> lookUp(String host) {
        boolean lookup = !HttpSemantics.isIpLiteral(host);
        if (lookup) {
            Events.emit(config.eventListener(), Event.Type.DNS_START, null, host);
        }
        CompletableFuture<InetAddress[]> resolved = resolve(host);
        if (lookup) {
            resolved.whenComplete((addresses, failure) ->
                    Events.emit(config.eventListener(), Event.Type.DNS_END, null, host, 0, 0, failure));
        }
        return resolved;
    }

    /**
     * Checks a finished TLS handshake with {@code host} beyond what the JDK checked, as for every
     * TCP connection: a DNS name in the certificate, and the session's pins.
     *
     * @throws SSLPeerUnverifiedException naming what failed
     */
    public void verifyPeer(javax.net.ssl.SSLSession session, String host) throws SSLPeerUnverifiedException {
        SubjectAltNames.verify(session, host, config.tls());
    }

    /** Returns the datagram channel type of this transport's loops (for QUIC). */
    public Class<? extends DatagramChannel> datagramChannelType() {
        return io.datagramChannelType();
    }

    /**
     * Tracks {@code ch}, opened outside {@link #connect} (a QUIC socket), so that {@link #close()}
     * closes it if the loops' shutdown missed it; returns false, tracking nothing, once closing.
     */
    public boolean track(Channel ch) {
        if (closing) {
            return false;
        }
        channels.add(ch);
        ch.closeFuture().addListener(f -> channels.remove(ch));
        return true;
    }

    private CompletableFuture<InetAddress[]> resolve(String host) {
        if (HttpSemantics.isIpLiteral(host)) {
            try {
                return CompletableFuture.completedFuture(new InetAddress[] {InetAddress.getByName(host)});
            } catch (UnknownHostException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        return dns.resolve(host);
    }

    /**
     * Returns a new event loop, on the session's transport, that {@code owner} drives itself (see
     * {@link CallerLoop}).
     */
    CallerLoop.Parts newCallerLoop(Thread owner) {
        IoHandler[] made = new IoHandler[1];
        IoHandlerFactory handlers = io.callerLoopHandlerFactory();
        ManualIoEventLoop loop = new ManualIoEventLoop(null, owner, executor -> {
            made[0] = handlers.newHandler(executor);
            return made[0];
        });
        return new CallerLoop.Parts(loop, made[0], io.tellsPeerClose());
    }

    /**
     * Closes a channel whose loop is not running (stopped, or a caller's loop nobody drives
     * now) and forgets it.
     */
    void closeUndriven(Channel ch) {
        closeAfterLoopStopped(ch);
        channels.remove(ch);
    }

    /** Shuts the event loops and the blocking threads down and waits briefly for them. */
    @Override
    public void close() {
        closing = true;
        blockingExecutor.shutdownNow();
        closeOnTheirLoops(TimeUnit.SECONDS.toNanos(1));
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        // The loops have stopped: nothing can close these through them any more. A caller's
        // loop is still driven by its thread, which closes its own channels.
        for (Channel ch : channels) {
            if (ch.isOpen() && !(ch.eventLoop() instanceof ManualIoEventLoop)) {
                closeAfterLoopStopped(ch);
            }
        }
        channels.clear();
    }

    /**
     * Closes each open channel on its loop and waits, at most {@code timeoutNanos} in all, until
     * its handlers have heard of it, so that every exchange on it ends (a WebSocket with its
     * 1006) before the loops stop. Netty fires {@code channelInactive} from a task that the close
     * queues after completing the close future (and TLS closes only once its close_notify is
     * out): a task queued from the future's listener runs before that one, and the task it queues
     * in turn runs after. Without this wait, a loop stopping with no quiet period could drop the
     * event, and the call on the channel would wait forever.
     */
    private void closeOnTheirLoops(long timeoutNanos) {
        List<CompletableFuture<Void>> heard = new ArrayList<>();
        for (Channel ch : channels) {
            if (ch.isOpen() && !(ch.eventLoop() instanceof ManualIoEventLoop)) {
                CompletableFuture<Void> done = new CompletableFuture<>();
                heard.add(done);
                ch.close().addListener(f -> afterQueuedTasks(ch.eventLoop(), 2, done));
            }
        }
        try {
            CompletableFuture.allOf(heard.toArray(CompletableFuture[]::new)).get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // Bounded on purpose: the loops' shutdown and closeAfterLoopStopped finish the job.
        }
    }

    /** Completes {@code done} once {@code loop} has run what is queued now, {@code hops} times over. */
    private static void afterQueuedTasks(EventLoop loop, int hops, CompletableFuture<Void> done) {
        if (hops == 0) {
            done.complete(null);
            return;
        }
        try {
            loop.execute(() -> afterQueuedTasks(loop, hops - 1, done));
        } catch (RejectedExecutionException stopped) {
            done.complete(null);
        }
    }

    /**
     * Closes a channel whose event loop is not running. Netty's own close paths must run on that
     * loop (and assert so when assertions are on), so a native channel's descriptor, or an NIO
     * channel's JDK channel, is closed directly; no thread can touch the channel any more.
     */
    private static void closeAfterLoopStopped(Channel ch) {
        try {
            if (ch instanceof UnixChannel unix) {
                unix.fd().close();
            } else if (ch instanceof ClosableNioSocketChannel nio) {
                nio.closeUndriven();
            } else {
                ch.unsafe().closeForcibly();
            }
        } catch (IOException alreadyClosed) {
            // Nothing left to free.
        }
    }
}
