package io.posthaste.internal.http3;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.concurrent.Future;
import io.posthaste.Event;
import io.posthaste.Timeouts;
import io.posthaste.internal.connection.ConnectTimes;
import io.posthaste.internal.connection.ConnectionListener;
import io.posthaste.internal.connection.ConnectionPool;
import io.posthaste.internal.connection.NettyTransport;
import io.posthaste.internal.connection.Origin;
import io.posthaste.internal.exchange.ProtocolConnection;
import io.posthaste.internal.session.Events;
import io.posthaste.internal.session.SessionConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Opens HTTP/3 connections: resolves the host as TCP connections do, binds a UDP socket of its
 * own on one of the shared loops, and runs the QUIC handshake (TLS 1.3 inside QUIC) to the
 * server's first address within the request's TLS-handshake timeout: the QUIC handshake is the
 * TLS phase (a UDP socket has no connect of its own to time). The server's certificate is checked
 * as on TCP ({@link H3Tls}, then the transport's checks after the handshake). The events are
 * those of a TCP connection: DNS, CONNECT (the socket bound), TLS (the QUIC handshake). Any thread.
 */
final class H3Connector {

    private final SessionConfig config;
    private final NettyTransport transport;
    private final H3Tls tls;

    H3Connector(SessionConfig config, NettyTransport transport) {
        this.config = config;
        this.transport = transport;
        this.tls = new H3Tls(config);
    }

    /**
     * Opens an HTTP/3 connection to {@code origin} at {@code endpoint} on one of {@code loops},
     * within {@code spec}'s TLS-handshake timeout; {@code listener} hears if it is lost while idle
     * or its capacity changes.
     */
    CompletableFuture<ProtocolConnection> connect(
            Origin origin,
            AltServices.Endpoint endpoint,
            Timeouts spec,
            EventLoopGroup loops,
            ConnectionListener<ProtocolConnection> listener) {
        CompletableFuture<ProtocolConnection> result = new CompletableFuture<>();
        long startNanos = System.nanoTime();
        transport.lookUp(endpoint.host()).whenComplete((addresses, failure) -> {
            if (failure != null) {
                result.completeExceptionally(failure);
            } else {
                connect(
                        origin,
                        addresses[0],
                        endpoint.port(),
                        spec,
                        loops.next(),
                        listener,
                        result,
                        System.nanoTime() - startNanos);
            }
        });
        return result;
    }

    private void connect(
            Origin origin,
            InetAddress address,
            int port,
            Timeouts spec,
            EventLoop loop,
            ConnectionListener<ProtocolConnection> listener,
            CompletableFuture<ProtocolConnection> result,
            long dnsNanos) {
        InetSocketAddress remote = new InetSocketAddress(address, port);
        Events.emit(config.eventListener(), Event.Type.CONNECT_START, null, "udp:" + remote);
        long connectStart = System.nanoTime();
        Http3Connection connection =
                Http3Connection.create(origin, listener, transport.blockingExecutor(), config.maxResponseHeaders());
        long idleMillis = Math.max(1, config.idleTimeout().toMillis());
        io.netty.channel.ChannelHandler codec = Http3.newQuicClientCodecBuilder()
                .sslEngineProvider(quic -> tls.newEngine(quic, origin.host(), origin.port()))
                .maxIdleTimeout(idleMillis, TimeUnit.MILLISECONDS)
                .initialMaxData(Http3Connection.CONNECTION_WINDOW)
                .initialMaxStreamDataBidirectionalLocal(Http3Connection.STREAM_WINDOW)
                .initialMaxStreamDataBidirectionalRemote(Http3Connection.STREAM_WINDOW)
                .initialMaxStreamDataUnidirectional(64 * 1024)
                .initialMaxStreamsUnidirectional(8)
                .build();
        Future<?> bound = new Bootstrap()
                .group(loop)
                .channel(transport.datagramChannelType())
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .handler(new io.netty.channel.ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(codec, new SocketErrors());
                    }
                })
                .bind(0);
        bound.addListener(b -> {
            Channel datagram = ((io.netty.channel.ChannelFuture) bound).channel();
            Events.emit(
                    config.eventListener(),
                    b.isSuccess() ? Event.Type.CONNECT_END : Event.Type.CONNECT_FAILED,
                    null,
                    "udp:" + remote,
                    0,
                    0,
                    b.cause());
            if (!b.isSuccess()) {
                result.completeExceptionally(b.cause());
                return;
            }
            if (!transport.track(datagram)) {
                datagram.close();
                result.completeExceptionally(new ConnectionPool.PoolClosedException());
                return;
            }
            long connectedNanos = System.nanoTime();
            handshake(origin, datagram, remote, connection, spec, result, dnsNanos, connectedNanos - connectStart);
        });
    }

    private void handshake(
            Origin origin,
            Channel datagram,
            InetSocketAddress remote,
            Http3Connection connection,
            Timeouts spec,
            CompletableFuture<ProtocolConnection> result,
            long dnsNanos,
            long connectNanos) {
        Events.emit(config.eventListener(), Event.Type.TLS_START, null, origin.toString());
        long started = System.nanoTime();
        long timeoutMillis = Math.max(1, spec.tlsHandshake().toMillis());
        Future<QuicChannel> handshake = QuicChannel.newBootstrap(datagram)
                .handler(connection.handler(config.maxResponseHeaderSize()))
                .remoteAddress(remote)
                .connect();
        var timer = datagram.eventLoop()
                .schedule(
                        () -> {
                            if (!handshake.isDone()) {
                                // Closing the socket ends the handshake; its promise then fails, and is ignored.
                                fail(
                                        datagram,
                                        result,
                                        new SslHandshakeTimeoutException("the QUIC handshake with " + remote
                                                + " did not finish within " + timeoutMillis + " ms"),
                                        origin);
                            }
                        },
                        timeoutMillis,
                        TimeUnit.MILLISECONDS);
        handshake.addListener(h -> {
            timer.cancel(false);
            if (!h.isSuccess()) {
                fail(datagram, result, h.cause(), origin);
                return;
            }
            QuicChannel quic = handshake.getNow();
            quic.closeFuture().addListener(f -> datagram.close());
            try {
                transport.verifyPeer(quic.sslEngine().getSession(), origin.host());
            } catch (SSLPeerUnverifiedException e) {
                quic.close();
                fail(datagram, result, e, origin);
                return;
            }
            Events.emit(config.eventListener(), Event.Type.TLS_END, null, origin.toString(), 0, 0, null);
            new ConnectTimes(dnsNanos, connectNanos, System.nanoTime() - started).attachTo(quic);
            connection.established(quic);
            if (!result.complete(connection)) {
                connection.close();
            }
            connection.handedOut();
        });
        result.whenComplete((c, failure) -> {
            if (result.isCancelled()) {
                datagram.close();
            }
        });
    }

    /**
     * The end of the UDP socket's pipeline: a socket error (a read racing the socket's close when
     * the QUIC connection ended) closes the socket; the QUIC connection on it reports the loss.
     */
    private static final class SocketErrors extends io.netty.channel.ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(io.netty.channel.ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private void fail(Channel datagram, CompletableFuture<ProtocolConnection> result, Throwable cause, Origin origin) {
        datagram.close();
        if (result.isDone()) {
            return; // The timeout already failed it; the handshake's own failure echoes that.
        }
        Events.emit(config.eventListener(), Event.Type.TLS_END, null, origin.toString(), 0, 0, cause);
        result.completeExceptionally(cause);
    }
}
