package io.posthaste.testing.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.OptionalSslHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.posthaste.testing.Http2Options;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Lays out the pipeline of each accepted connection: TLS or not (or either, by the first bytes),
 * then HTTP/1.1 or, when HTTP/2 is on, HTTP/2 as chosen by ALPN on TLS or by the client's
 * connection preface (prior knowledge) on any connection that negotiated no protocol. Immutable;
 * {@link #init} runs on the connection's event loop.
 */
public final class ConnectionSetup {

    /** The first bytes of every HTTP/2 connection (RFC 9113 section 3.4): never valid HTTP/1.1. */
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final RequestHandler handler;
    private final TlsMaterial tls;
    private final boolean plainToo;
    private final Http2Options http2;
    private final long maxRecordedBodyBytes;

    /**
     * @param tls the TLS material, or null for plain HTTP
     * @param plainToo with TLS, whether plain connections are served too
     * @param http2 the HTTP/2 behaviour, or null to speak HTTP/1.1 alone (the pipeline then is
     *              exactly what it was before HTTP/2 existed)
     */
    public ConnectionSetup(
            RequestHandler handler, TlsMaterial tls, boolean plainToo, Http2Options http2, long maxRecordedBodyBytes) {
        this.handler = handler;
        this.tls = tls;
        this.plainToo = plainToo;
        this.http2 = http2;
        this.maxRecordedBodyBytes = maxRecordedBodyBytes;
    }

    /** Sets up a freshly accepted connection, numbered {@code connectionId}. */
    public void init(SocketChannel ch, int connectionId) {
        ChannelPipeline p = ch.pipeline();
        if (http2 == null) {
            if (tls != null && plainToo) {
                // Tells TLS from plain HTTP by the first bytes, then steps aside.
                p.addLast(new OptionalSslHandler(tls.serverContext()));
            } else if (tls != null) {
                p.addLast(tls.serverContext().newHandler(ch.alloc()));
            }
            p.addLast(http1(connectionId));
            return;
        }
        // The HTTP/1.1 handler checks this when the connection becomes active, but here the protocol
        // is chosen later, after activation: check at accept time instead.
        if (handler.disconnectOnAccept()) {
            ch.close();
            return;
        }
        if (tls == null) {
            p.addLast(new PrefaceDetector(connectionId));
        } else if (plainToo) {
            p.addLast(new OptionalSslHandler(tls.serverContext()) {
                @Override
                protected SslHandler newSslHandler(ChannelHandlerContext ctx, SslContext context) {
                    // Lands right behind the SslHandler that replaces this handler.
                    ctx.pipeline().addAfter(ctx.name(), null, new AlpnSelector(connectionId));
                    return super.newSslHandler(ctx, context);
                }

                @Override
                protected ChannelHandler newNonSslHandler(ChannelHandlerContext ctx) {
                    return new PrefaceDetector(connectionId);
                }
            });
        } else {
            p.addLast(tls.serverContext().newHandler(ch.alloc()));
            p.addLast(new AlpnSelector(connectionId));
        }
    }

    private ChannelHandler http1(int connectionId) {
        return new ServerConnection(handler, connectionId, maxRecordedBodyBytes);
    }

    private ChannelHandler h2(int connectionId) {
        return H2Connection.create(handler, connectionId, maxRecordedBodyBytes, http2);
    }

    /**
     * Reads just enough of a connection to tell HTTP/2 prior knowledge from HTTP/1.1, then hands
     * the connection, bytes read included, to the handler for that protocol.
     */
    private final class PrefaceDetector extends ByteToMessageDecoder {
        private final int connectionId;

        PrefaceDetector(int connectionId) {
            this.connectionId = connectionId;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            int n = Math.min(in.readableBytes(), PREFACE.length);
            for (int i = 0; i < n; i++) {
                if (in.getByte(in.readerIndex() + i) != PREFACE[i]) {
                    // Removing a decoder passes what it has gathered on to the handler that replaces it.
                    ctx.pipeline().replace(this, null, http1(connectionId));
                    return;
                }
            }
            if (n == PREFACE.length) {
                ctx.pipeline().replace(this, null, h2(connectionId));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A peer that resets or botches a TLS handshake is a normal event for a test server.
            ctx.close();
        }
    }

    /** Picks the protocol the TLS handshake agreed on; with none agreed, looks for prior knowledge. */
    private final class AlpnSelector extends ApplicationProtocolNegotiationHandler {
        private final int connectionId;

        AlpnSelector(int connectionId) {
            super(ApplicationProtocolNames.HTTP_1_1);
            this.connectionId = connectionId;
        }

        @Override
        protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
            ctx.pipeline()
                    .addAfter(
                            ctx.name(),
                            null,
                            ApplicationProtocolNames.HTTP_2.equals(protocol)
                                    ? h2(connectionId)
                                    : new PrefaceDetector(connectionId));
        }

        @Override
        protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
            // A client that does not trust the certificate is a normal event for a test server.
            ctx.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
