package io.posthaste.internal.connection;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ManualIoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.UnixChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.posthaste.Event;
import io.posthaste.Timeouts;
import io.posthaste.internal.semantics.HttpSemantics;
import io.posthaste.internal.session.Events;
import io.posthaste.internal.session.SessionConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The session's Netty machinery: the event-loop group (native epoll when its library loads, NIO
 * otherwise), the TLS context, the bootstrap, and a small pool of threads for blocking work that
 * must never run on an event loop (DNS look-ups, reading streams and files for TLS uploads).
 */
public final class NettyTransport implements AutoCloseable {

    private final SessionConfig config;
    private final EventLoopGroup group;
    private final boolean nativeTransport;
    private final Bootstrap bootstrap;
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
        this.nativeTransport = Epoll.isAvailable();
        IoHandlerFactory io = nativeTransport ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        ThreadFactory threads = config.threadFactory() != null ? config.threadFactory()
                : new DefaultThreadFactory("posthaste-io", true);
        this.group = new MultiThreadIoEventLoopGroup(config.eventLoopThreads(), threads, io);
        Class<? extends SocketChannel> channelType =
                nativeTransport ? EpollSocketChannel.class : NioSocketChannel.class;
        this.bootstrap = new Bootstrap().group(group).channel(channelType)
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
        AtomicInteger counter = new AtomicInteger();
        this.blockingExecutor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "posthaste-blocking-" + counter.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.dns = new DnsCache(host -> {
            List<InetAddress> addresses = config.resolver().resolve(host);
            if (addresses == null || addresses.isEmpty()) {
                throw new UnknownHostException(host + ": the resolver returned no address");
            }
            return addresses.toArray(InetAddress[]::new);
        }, blockingExecutor, TimeUnit.SECONDS.toNanos(10));
    }

    /** Returns the event-loop group. */
    public EventLoopGroup group() {
        return group;
    }

    /** Returns whether the native epoll transport is in use. */
    public boolean isNative() {
        return nativeTransport;
    }

    /** Returns the executor for blocking work. */
    public ExecutorService blockingExecutor() {
        return blockingExecutor;
    }

    /**
     * Opens a connection to {@code origin} on {@code loops} (the shared group, or a caller's own
     * loop): resolves the host off the event loop (an IP literal needs no look-up), tries each
     * address in turn, and for https completes the TLS handshake before the connection is handed
     * out. {@code protocol} puts the protocol's handlers in the new channel's pipeline, behind
     * TLS: for cleartext the session's one ({@code h2} by prior knowledge, else HTTP/1.1), for TLS
     * the one the server picked by ALPN among those offered. The connection is handed out once
     * the protocol says it is ready, which must happen within the TLS-handshake timeout.
     */
    public <C extends Connection> CompletableFuture<C> connect(Origin origin, EventLoopGroup loops,
            Timeouts spec, ProtocolInstaller<C> protocol) {
        int connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, spec.connect().toMillis());
        int handshakeTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, spec.tlsHandshake().toMillis());
        CompletableFuture<C> result = new CompletableFuture<>();
        boolean lookup = !HttpSemantics.isIpLiteral(origin.host());
        long startNanos = System.nanoTime();
        if (lookup) {
            Events.emit(config.eventListener(), Event.Type.DNS_START, null, origin.host());
        }
        resolve(origin.host()).whenComplete((addresses, failure) -> {
            if (lookup) {
                Events.emit(config.eventListener(), Event.Type.DNS_END, null, origin.host(), 0, 0, failure);
            }
            if (failure != null) {
                result.completeExceptionally(failure);
            } else {
                long resolvedNanos = System.nanoTime();
                connect(origin, loops, addresses, 0, connectTimeoutMillis, handshakeTimeoutMillis,
                        protocol, result, lookup ? resolvedNanos - startNanos : 0, resolvedNanos);
            }
        });
        return result;
    }

    private <C extends Connection> void connect(Origin origin, EventLoopGroup loops,
            InetAddress[] addresses, int index, int connectTimeoutMillis, int handshakeTimeoutMillis,
            ProtocolInstaller<C> protocol, CompletableFuture<C> result, long dnsNanos, long connectStartNanos) {
        CompletableFuture<C> installed = new CompletableFuture<>();
        InetSocketAddress address = new InetSocketAddress(addresses[index], origin.port());
        Events.emit(config.eventListener(), Event.Type.CONNECT_START, null, address.toString());
        if (closing) {
            result.completeExceptionally(new ConnectionPool.PoolClosedException());
            return;
        }
        ChannelFuture connected = bootstrap.clone(loops)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) throws SSLException {
                        channels.add(ch);
                        ch.closeFuture().addListener(f -> channels.remove(ch));
                        if (!origin.https()) {
                            AlpnNegotiation.install(protocol, ch, config.h2PriorKnowledge() ? ProtocolInstaller.H2
                                    : ProtocolInstaller.HTTP_1_1, installed);
                            return;
                        }
                        SslHandler ssl = tls.newHandler(ch, origin);
                        ssl.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
                        ch.pipeline().addLast("tls", ssl);
                        if (tls.offersH2()) {
                            ch.pipeline().addLast("alpn",
                                    new AlpnNegotiation<>(config.alpnProtocols(), protocol, installed));
                        } else {
                            AlpnNegotiation.install(protocol, ch, ProtocolInstaller.HTTP_1_1, installed);
                        }
                    }
                })
                .connect(address);
        connected.addListener(f -> {
            Events.emit(config.eventListener(), f.isSuccess() ? Event.Type.CONNECT_END
                    : Event.Type.CONNECT_FAILED, null, address.toString(), 0, 0, f.cause());
            if (!f.isSuccess()) {
                // Refused or silent: either way the next address may answer (each gets the full
                // connect timeout, as in OkHttp's route selection).
                if (index + 1 < addresses.length) {
                    connect(origin, loops, addresses, index + 1, connectTimeoutMillis,
                            handshakeTimeoutMillis, protocol, result, dnsNanos, connectStartNanos);
                } else {
                    result.completeExceptionally(f.cause());
                }
                return;
            }
            Channel ch = connected.channel();
            long connectedNanos = System.nanoTime();
            SslHandler ssl = ch.pipeline().get(SslHandler.class);
            if (ssl == null) {
                new ConnectTimes(dnsNanos, connectedNanos - connectStartNanos, 0).attachTo(ch);
                whenReady(ch, installed, handshakeTimeoutMillis, result);
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
                Events.emit(config.eventListener(), Event.Type.TLS_END, null, origin.toString(), 0, 0,
                        failure);
                if (failure == null) {
                    new ConnectTimes(dnsNanos, connectedNanos - connectStartNanos,
                            System.nanoTime() - connectedNanos).attachTo(ch);
                    whenReady(ch, installed, handshakeTimeoutMillis, result);
                } else {
                    ch.close();
                    result.completeExceptionally(failure);
                }
            });
        });
        result.whenComplete((c, failure) -> {
            if (result.isCancelled()) {
                connected.channel().close();
            }
        });
    }

    /**
     * Hands the connection out once its protocol is ready, within {@code timeoutMillis} (a server
     * that never sends its HTTP/2 SETTINGS must not hold the request forever); closes the
     * channel otherwise.
     */
    private static <C extends Connection> void whenReady(Channel ch, CompletableFuture<C> installed,
            int timeoutMillis, CompletableFuture<C> result) {
        if (!installed.isDone()) {
            var timer = ch.eventLoop().schedule(() -> installed.completeExceptionally(new IOException(
                    "the server did not begin HTTP/2 (no SETTINGS) within " + timeoutMillis + " ms")),
                    timeoutMillis, TimeUnit.MILLISECONDS);
            installed.whenComplete((c, failure) -> timer.cancel(false));
        }
        installed.whenComplete((connection, failure) -> {
            if (failure == null) {
                result.complete(connection);
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
            resolved.whenComplete((addresses, failure) -> Events.emit(config.eventListener(),
                    Event.Type.DNS_END, null, host, 0, 0, failure));
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
    public Class<? extends io.netty.channel.socket.DatagramChannel> datagramChannelType() {
        return nativeTransport ? io.netty.channel.epoll.EpollDatagramChannel.class
                : io.netty.channel.socket.nio.NioDatagramChannel.class;
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
                return CompletableFuture.completedFuture(
                        new InetAddress[] {InetAddress.getByName(host)});
            } catch (UnknownHostException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        return dns.resolve(host);
    }

    /**
     * Returns a new event loop that {@code owner} drives itself (see {@link CallerLoop}), or null
     * without the native transport: only a native channel can be closed off its loop.
     */
    CallerLoop.Parts newCallerLoop(Thread owner) {
        if (!nativeTransport) {
            return null;
        }
        IoHandler[] made = new IoHandler[1];
        IoHandlerFactory epoll = EpollIoHandler.newFactory();
        ManualIoEventLoop loop = new ManualIoEventLoop(null, owner, executor -> {
            made[0] = epoll.newHandler(executor);
            return made[0];
        });
        return new CallerLoop.Parts(loop, made[0]);
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
     * Closes a channel whose event loop is not running. Netty's own close paths must run on that
     * loop (and assert so when assertions are on), so a native channel's descriptor is closed
     * directly; no thread can touch the channel any more.
     */
    private static void closeAfterLoopStopped(Channel ch) {
        if (ch instanceof UnixChannel unix) {
            try {
                unix.fd().close();
            } catch (IOException alreadyClosed) {
                // Nothing left to free.
            }
        } else {
            ch.unsafe().closeForcibly();
        }
    }

}
