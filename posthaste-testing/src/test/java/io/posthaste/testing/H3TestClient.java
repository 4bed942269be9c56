package io.posthaste.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.http3.DefaultHttp3DataFrame;
import io.netty.handler.codec.http3.DefaultHttp3HeadersFrame;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.http3.Http3ClientConnectionHandler;
import io.netty.handler.codec.http3.Http3DataFrame;
import io.netty.handler.codec.http3.Http3GoAwayFrame;
import io.netty.handler.codec.http3.Http3Headers;
import io.netty.handler.codec.http3.Http3HeadersFrame;
import io.netty.handler.codec.http3.Http3RequestStreamInboundHandler;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClosedChannelException;
import io.netty.handler.codec.quic.QuicException;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamResetException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A small HTTP/3 client on Netty's own codec, independent of the server code under test: one UDP
 * socket, any number of QUIC connections, one request per stream. Every wait is bounded;
 * {@link #close()} closes everything and stops its thread.
 */
final class H3TestClient implements AutoCloseable {

    private static final long TIMEOUT_SECONDS = 10;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("h3-test-client", true), NioIoHandler.newFactory());
    private final Channel udp;
    private final InetSocketAddress server;
    private final List<QuicChannel> connections = new CopyOnWriteArrayList<>();

    /** What came back on one stream: an answer, a reset, or the connection's end. */
    record Response(
            int status,
            List<Map.Entry<String, String>> headers,
            byte[] body,
            List<Integer> dataFrames,
            List<Map.Entry<String, String>> trailers,
            long resetCode,
            String failure) {
        String header(String name) {
            return headers.stream()
                    .filter(h -> h.getKey().equals(name.toLowerCase(Locale.ROOT)))
                    .map(Map.Entry::getValue)
                    .findFirst()
                    .orElse(null);
        }

        String bodyUtf8() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** One QUIC connection and what its control stream said. */
    record Connection(QuicChannel channel, List<Long> goAways) {}

    H3TestClient(TestServer target) {
        this(target, target.port(), Long.MAX_VALUE);
    }

    /** @param maxIdleMillis the client's own idle timeout (the shorter side's applies) */
    H3TestClient(TestServer target, int port, long maxIdleMillis) {
        QuicSslContext ssl = QuicSslContextBuilder.forClient()
                .trustManager(target.certificate())
                .applicationProtocols(Http3.supportedApplicationProtocols())
                .build();
        // The engine names the server as a browser would, so the certificate's host is checked too.
        var codec = Http3.newQuicClientCodecBuilder()
                .sslContext(ssl)
                .sslEngineProvider(quic -> ssl.newEngine(quic.alloc(), "localhost", port))
                .maxIdleTimeout(Math.min(maxIdleMillis, 60_000), TimeUnit.MILLISECONDS)
                .initialMaxData(64L << 20)
                .initialMaxStreamDataBidirectionalLocal(16L << 20)
                .build();
        this.udp = new Bootstrap()
                .group(group)
                .channel(NioDatagramChannel.class)
                .handler(codec)
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .syncUninterruptibly()
                .channel();
        this.server = new InetSocketAddress("127.0.0.1", port);
    }

    /** Opens a new QUIC connection, failing after {@code timeoutMillis} without a handshake. */
    Connection connect(long timeoutMillis) throws Exception {
        List<Long> goAways = new CopyOnWriteArrayList<>();
        ChannelInboundHandlerAdapter control = new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof Http3GoAwayFrame goAway) {
                    goAways.add(goAway.id());
                }
                ReferenceCountUtil.release(msg);
            }
        };
        var future = QuicChannel.newBootstrap(udp)
                .handler(new Http3ClientConnectionHandler(control, null, null, null, true))
                .remoteAddress(server)
                .connect();
        QuicChannel channel = future.get(timeoutMillis, TimeUnit.MILLISECONDS);
        connections.add(channel);
        return new Connection(channel, goAways);
    }

    Connection connect() throws Exception {
        return connect(TIMEOUT_SECONDS * 1000);
    }

    /** Sends one request on a new stream and returns what came back; {@code body} null sends none. */
    CompletableFuture<Response> sendAsync(
            Connection connection, String method, String path, byte[] body, String... headerPairs) {
        CompletableFuture<Response> result = new CompletableFuture<>();
        Collector collector = new Collector(result);
        Http3.newRequestStream(connection.channel(), collector).addListener(f -> {
            if (!f.isSuccess()) {
                result.completeExceptionally(f.cause());
                return;
            }
            QuicStreamChannel stream = (QuicStreamChannel) f.getNow();
            Http3HeadersFrame head = new DefaultHttp3HeadersFrame();
            head.headers().method(method).path(path).scheme("https").authority("localhost:" + server.getPort());
            for (int i = 0; i < headerPairs.length; i += 2) {
                head.headers().add(headerPairs[i].toLowerCase(Locale.ROOT), headerPairs[i + 1]);
            }
            if (body == null) {
                stream.writeAndFlush(head).addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
            } else {
                stream.write(head);
                stream.writeAndFlush(new DefaultHttp3DataFrame(Unpooled.wrappedBuffer(body)))
                        .addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
            }
        });
        return result;
    }

    Response send(Connection connection, String method, String path, byte[] body, String... headerPairs)
            throws Exception {
        try {
            return sendAsync(connection, method, path, body, headerPairs).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /**
     * Opens a stream, sends a POST head promising a body, then abandons the request with
     * RESET_STREAM({@code code}), as a client cancelling an upload does.
     */
    void sendHeadThenReset(Connection connection, String path, long code) throws Exception {
        QuicStreamChannel stream = Http3.newRequestStream(connection.channel(), new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ReferenceCountUtil.release(msg);
                    }
                })
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Http3HeadersFrame head = new DefaultHttp3HeadersFrame();
        head.headers()
                .method("POST")
                .path(path)
                .scheme("https")
                .authority("localhost:" + server.getPort())
                .add("content-length", "1000");
        stream.writeAndFlush(head).sync();
        stream.shutdownOutput((int) code).sync();
    }

    Response get(Connection connection, String path) throws Exception {
        return send(connection, "GET", path, null);
    }

    @Override
    public void close() {
        for (QuicChannel c : connections) {
            c.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        udp.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** Gathers one stream's answer. */
    private static final class Collector extends Http3RequestStreamInboundHandler {
        private final CompletableFuture<Response> result;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private final List<Integer> dataFrames = new ArrayList<>();
        private List<Map.Entry<String, String>> headers;
        private List<Map.Entry<String, String>> trailers = List.of();
        private int status;

        Collector(CompletableFuture<Response> result) {
            this.result = result;
        }

        @Override
        protected void channelRead(ChannelHandlerContext ctx, Http3HeadersFrame frame) {
            List<Map.Entry<String, String>> fields = new ArrayList<>();
            Http3Headers h = frame.headers();
            h.forEach(e -> {
                if (!e.getKey().toString().startsWith(":")) {
                    fields.add(Map.entry(e.getKey().toString(), e.getValue().toString()));
                }
            });
            if (h.status() != null && !h.status().toString().startsWith("1")) {
                status = Integer.parseInt(h.status().toString());
                headers = fields;
            } else if (h.status() == null && headers != null) {
                trailers = fields;
            }
            ReferenceCountUtil.release(frame);
        }

        @Override
        protected void channelRead(ChannelHandlerContext ctx, Http3DataFrame frame) {
            dataFrames.add(frame.content().readableBytes());
            byte[] bytes = new byte[frame.content().readableBytes()];
            frame.content().readBytes(bytes);
            body.writeBytes(bytes);
            ReferenceCountUtil.release(frame);
        }

        @Override
        protected void channelInputClosed(ChannelHandlerContext ctx) {
            result.complete(new Response(
                    status, headers == null ? List.of() : headers, body.toByteArray(), dataFrames, trailers, -1, null));
            ctx.close();
        }

        @Override
        protected void handleQuicException(ChannelHandlerContext ctx, QuicException exception) {
            long code = exception instanceof QuicStreamResetException reset ? reset.applicationProtocolCode() : -1;
            result.complete(new Response(
                    status,
                    headers == null ? List.of() : headers,
                    body.toByteArray(),
                    dataFrames,
                    trailers,
                    code,
                    exception.toString()));
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            result.complete(new Response(
                    status,
                    headers == null ? List.of() : headers,
                    body.toByteArray(),
                    dataFrames,
                    trailers,
                    -1,
                    "stream closed"));
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof QuicException q) {
                handleQuicException(ctx, q);
            } else if (cause instanceof QuicClosedChannelException) {
                channelInputClosed(ctx);
            } else {
                result.complete(new Response(
                        status, List.of(), body.toByteArray(), dataFrames, trailers, -1, cause.toString()));
                ctx.close();
            }
        }
    }
}
