package io.posthaste.testing.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.http3.Http3ServerConnectionHandler;
import io.netty.handler.codec.quic.Quic;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicTokenHandler;
import io.netty.util.ReferenceCountUtil;
import io.posthaste.testing.Http3Options;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * The UDP side of a test server speaking HTTP/3: Netty's QUIC codec (quiche and BoringSSL, native)
 * on a datagram channel, with the server's certificate and ALPN {@code h3}, and an
 * {@link H3Stream} for each request stream. Immutable; {@link #bind} may be called from any thread.
 */
public final class H3Listener {

    private final RequestHandler handler;
    private final TlsMaterial tls;
    private final Http3Options options;
    private final long maxRecordedBodyBytes;
    private final IntSupplier connectionIds;
    private final Consumer<Channel> onConnection;

    /**
     * @param connectionIds hands out the number of each new connection (shared with the TCP side)
     * @param onConnection told of each QUIC connection as it is accepted, for counting and closing
     */
    public H3Listener(
            RequestHandler handler,
            TlsMaterial tls,
            Http3Options options,
            long maxRecordedBodyBytes,
            IntSupplier connectionIds,
            Consumer<Channel> onConnection) {
        this.handler = handler;
        this.tls = tls;
        this.options = options;
        this.maxRecordedBodyBytes = maxRecordedBodyBytes;
        this.connectionIds = connectionIds;
        this.onConnection = onConnection;
    }

    /** Returns whether QUIC's native library loads on this platform. */
    public static boolean available() {
        try {
            return Quic.isAvailable();
        } catch (LinkageError e) {
            return false;
        }
    }

    /** Returns why QUIC is not available here, for an error message; null when it is. */
    public static String unavailableReason() {
        if (available()) {
            return null;
        }
        String platform = System.getProperty("os.name") + "/" + System.getProperty("os.arch");
        Throwable cause;
        try {
            cause = Quic.unavailabilityCause();
        } catch (LinkageError e) {
            cause = e;
        }
        return "HTTP/3 needs Netty's QUIC native library (netty-codec-native-quic), which this build ships "
                + "for linux-x86_64 only; it does not load on " + platform
                + (cause != null ? " (" + cause + ")" : "");
    }

    /**
     * Binds UDP on {@code host}:{@code port} and starts answering QUIC, or, with
     * {@link Http3Options#blackHole()}, dropping every datagram.
     *
     * @return the bound datagram channel; closing it stops the listener
     */
    public Channel bind(EventLoopGroup group, String host, int port) {
        ChannelHandler udp = options.blackHole() ? new BlackHole() : codec();
        return new Bootstrap()
                .group(group)
                .channel(NioDatagramChannel.class)
                .handler(udp)
                .bind(new InetSocketAddress(host, port))
                .syncUninterruptibly()
                .channel();
    }

    private ChannelHandler codec() {
        QuicSslContext ssl = QuicSslContextBuilder.forServer(tls.privateKey(), null, tls.certificate())
                .applicationProtocols(Http3.supportedApplicationProtocols())
                .build();
        return Http3.newQuicServerCodecBuilder()
                .sslContext(ssl)
                .maxIdleTimeout(options.idleTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .initialMaxData(options.initialConnectionWindow())
                .initialMaxStreamDataBidirectionalRemote(options.initialStreamWindow())
                .initialMaxStreamDataBidirectionalLocal(options.initialStreamWindow())
                .initialMaxStreamsBidirectional(options.maxConcurrentStreams())
                .tokenHandler(NoRetry.INSTANCE)
                .handler(new ChannelInitializer<QuicChannel>() {
                    @Override
                    protected void initChannel(QuicChannel ch) {
                        accepted(ch);
                    }
                })
                .build();
    }

    private void accepted(QuicChannel ch) {
        int id = connectionIds.getAsInt();
        onConnection.accept(ch);
        H3Connection connection = new H3Connection(ch, id, options.goAwayAfterStreams());
        if (handler.disconnectOnAccept()) {
            // A QUIC connection can only be closed once its handshake is done; until then, any
            // request stream that arrives with the handshake is rejected unrouted.
            connection.refuseEveryStream();
            ch.pipeline().addLast(new CloseWhenActive());
        }
        ch.pipeline().addLast(new Http3ServerConnectionHandler(new ChannelInitializer<QuicStreamChannel>() {
            @Override
            protected void initChannel(QuicStreamChannel stream) {
                stream.pipeline().addLast(new H3Stream(handler, connection, maxRecordedBodyBytes));
            }
        }));
    }

    /**
     * Issues no address-validation tokens, so a handshake needs no Retry round trip: the server
     * only ever talks to loopback clients.
     */
    private enum NoRetry implements QuicTokenHandler {
        INSTANCE;

        @Override
        public boolean writeToken(ByteBuf out, ByteBuf dcid, InetSocketAddress address) {
            return false;
        }

        @Override
        public int validateToken(ByteBuf token, InetSocketAddress address) {
            return 0;
        }

        @Override
        public int maxTokenLength() {
            return 0;
        }
    }

    /** Closes a QUIC connection as soon as it is established: a scripted disconnect at start. */
    private static final class CloseWhenActive extends ChannelInboundHandlerAdapter {
        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            if (ctx.channel().isActive()) {
                ctx.close();
            }
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.close();
        }
    }

    /** Reads every datagram and drops it: UDP blocked somewhere on the path. */
    private static final class BlackHole extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public boolean isSharable() {
            return true;
        }
    }
}
