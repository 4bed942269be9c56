package io.posthaste.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.http3.DefaultHttp3HeadersFrame;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.http3.Http3ClientConnectionHandler;
import io.netty.handler.codec.http3.Http3DataFrame;
import io.netty.handler.codec.http3.Http3HeadersFrame;
import io.netty.handler.codec.http3.Http3RequestStreamInboundHandler;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.posthaste.ClientSession;
import io.posthaste.Protocol;
import io.posthaste.Response;
import io.posthaste.testing.RecordedRequest;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The caddy harness itself: our client over HTTP/1.1 and HTTP/2 (routes, Alt-Svc advertising h3 on
 * the same port, a download and an upload through caddy) and, since our client's HTTP/3 is not the
 * thing proved here, Netty's own HTTP/3 client over QUIC on that port. The client's HTTP/3 interop
 * tests build on this harness.
 */
final class CaddyServerTest {

    @RegisterExtension
    static final CaddyServer CADDY = new CaddyServer();

    static ClientSession h2;
    static ClientSession h1;

    @BeforeAll
    static void openSessionsTrustingTheRunCertificateOnly() {
        h2 = ClientSession.builder()
                .trustManager(CADDY.trustManager())
                .protocols(Protocol.HTTP_2, Protocol.HTTP_1_1)
                .build();
        h1 = ClientSession.builder()
                .trustManager(CADDY.trustManager())
                .protocols(Protocol.HTTP_1_1)
                .build();
    }

    @AfterAll
    static void closeSessions() {
        h2.close();
        h1.close();
    }

    @Test
    void caddyAnswersOverHttp1AndHttp2AndAdvertisesHttp3OnTheSamePort() throws Exception {
        for (ClientSession session : List.of(h1, h2)) {
            Response r = session.get(CADDY.url("/hello")).send();
            assertThat(r.version()).isEqualTo(session == h1 ? "HTTP/1.1" : "HTTP/2");
            assertThat(r.text()).isEqualTo(CaddyServer.HELLO);
            assertThat(r.headers().get("server")).isEqualTo("Caddy");
            assertThat(r.headers().get("alt-svc")).startsWith("h3=\":" + CADDY.port() + "\"");
        }
    }

    @Test
    void theEchoBehindCaddySeesTheRequestAsCaddyForwardedIt() throws Exception {
        Response r = h2.post(CADDY.url("/anything/x?a=1"))
                .header("X-Probe", "caddy")
                .body("ping", "text/plain")
                .send();
        assertThat(r.status()).isEqualTo(200);
        JsonNode json = HttpbinJson.parse(r.text());
        assertThat(json.get("method").asText()).isEqualTo("POST");
        assertThat(json.get("data").asText()).isEqualTo("ping");
        RecordedRequest forwarded = CADDY.upstream().takeRequest();
        assertThat(forwarded.header("X-Probe")).isEqualTo("caddy");
        assertThat(forwarded.header("X-Forwarded-Proto")).isEqualTo("https");
        assertThat(forwarded.bodyUtf8()).isEqualTo("ping");
    }

    @Test
    void aFileDownloadAndAnUploadToTheSinkArriveIntact() throws Exception {
        Path file = CADDY.writeRandomFile("harness-8MiB.bin", 8L << 20, 8);
        byte[] download = h2.get(CADDY.url("/files/harness-8MiB.bin")).send().bytes();
        assertThat(download).hasSize(8 << 20);
        assertThat(TestFiles.sha256(download)).isEqualTo(TestFiles.sha256(file));

        Response upload = h2.put(CADDY.url("/sink"))
                .body(file, "application/octet-stream")
                .send();
        JsonNode sink = HttpbinJson.parse(upload.text());
        assertThat(sink.get("bytes").asLong()).isEqualTo(8L << 20);
        assertThat(sink.get("sha256").asText()).isEqualTo(TestFiles.sha256(file));
    }

    @Test
    void caddySpeaksHttp3OnItsPortToNettysHttp3Client() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(
                1, new DefaultThreadFactory("caddy-h3-probe", true), NioIoHandler.newFactory());
        try {
            QuicSslContext ssl = QuicSslContextBuilder.forClient()
                    .trustManager(CADDY.caCertificate())
                    .applicationProtocols(Http3.supportedApplicationProtocols())
                    .build();
            Channel udp = new Bootstrap()
                    .group(group)
                    .channel(NioDatagramChannel.class)
                    .handler(Http3.newQuicClientCodecBuilder()
                            .sslContext(ssl)
                            .sslEngineProvider(q -> ssl.newEngine(q.alloc(), "localhost", CADDY.port()))
                            .maxIdleTimeout(10, TimeUnit.SECONDS)
                            .initialMaxData(1 << 20)
                            .initialMaxStreamDataBidirectionalLocal(1 << 20)
                            .build())
                    .bind(new InetSocketAddress("127.0.0.1", 0))
                    .sync()
                    .channel();
            QuicChannel quic = QuicChannel.newBootstrap(udp)
                    .handler(new Http3ClientConnectionHandler())
                    .remoteAddress(new InetSocketAddress("127.0.0.1", CADDY.port()))
                    .connect()
                    .get(10, TimeUnit.SECONDS);
            CompletableFuture<String> status = new CompletableFuture<>();
            StringBuilder body = new StringBuilder();
            QuicStreamChannel stream = Http3.newRequestStream(quic, new Http3RequestStreamInboundHandler() {
                        @Override
                        protected void channelRead(ChannelHandlerContext ctx, Http3HeadersFrame frame) {
                            if (!frame.headers().status().toString().startsWith("1")) {
                                status.complete(frame.headers().status().toString());
                            }
                            ReferenceCountUtil.release(frame);
                        }

                        @Override
                        protected void channelRead(ChannelHandlerContext ctx, Http3DataFrame frame) {
                            ByteBuf content = frame.content();
                            body.append(content.toString(StandardCharsets.UTF_8));
                            ReferenceCountUtil.release(frame);
                        }

                        @Override
                        protected void channelInputClosed(ChannelHandlerContext ctx) {
                            ctx.close();
                        }
                    })
                    .get(10, TimeUnit.SECONDS);
            Http3HeadersFrame request = new DefaultHttp3HeadersFrame();
            request.headers().method("GET").path("/hello").scheme("https").authority("localhost:" + CADDY.port());
            stream.writeAndFlush(request).addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
            assertThat(stream.closeFuture().await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(status.getNow("none")).isEqualTo("200");
            assertThat(body.toString()).isEqualTo(CaddyServer.HELLO);
            quic.close().sync();
            udp.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }
}
