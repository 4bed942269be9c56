package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import io.netty.util.ReferenceCountUtil;
import io.posthaste.internal.session.TlsSettings;
import io.posthaste.testing.TestServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One-call TLS: a private CA from a PEM file or directory, mutual TLS from PEM files, public-key
 * pinning, a minimum version, the loudly named insecure mode, and clear errors for missing files
 * and settings that contradict each other.
 */
class TlsMadeEasyTest {

    @TempDir
    Path dir;

    private static String pem(X509Certificate certificate) throws Exception {
        return "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(certificate.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void aPrivateCaInAPemFileIsTrustedInOneLine() throws Exception {
        try (TestServer server = TestServer.builder().tls().start()) {
            Path ca = write("ca.pem", pem(server.certificate()));
            try (ClientSession session = ClientSession.builder().trustPem(ca).build()) {
                assertThat(session.get(server.url("/get")).send().status()).isEqualTo(200);
            }
            try (ClientSession plain = ClientSession.create()) {
                assertThatThrownBy(() -> plain.get(server.url("/get")).send())
                        .as("the JDK's roots alone do not know it")
                        .isInstanceOf(ClientConnectionException.class);
            }
        }
    }

    @Test
    void aDirectoryOfPemFilesIsTrustedAndOtherFilesThereArePassedOver() throws Exception {
        try (TestServer server = TestServer.builder().tls().start()) {
            Path cas = Files.createDirectory(dir.resolve("cas"));
            Files.writeString(cas.resolve("server.crt"), pem(server.certificate()));
            Files.writeString(cas.resolve("README"), "not a certificate");
            try (ClientSession session =
                    ClientSession.builder().trustPemOnly(cas).build()) {
                assertThat(session.get(server.url("/get")).send().status()).isEqualTo(200);
            }
        }
    }

    @Test
    void mutualTlsPresentsTheClientCertificateFromPemFiles() throws Exception {
        X509Bundle ca = new CertificateBuilder()
                .subject("CN=posthaste test CA")
                .setIsCertificateAuthority(true)
                .notBefore(Instant.now().minus(1, ChronoUnit.HOURS))
                .notAfter(Instant.now().plus(1, ChronoUnit.DAYS))
                .ecp256()
                .buildSelfSigned();
        X509Bundle serverCert = new CertificateBuilder()
                .subject("CN=localhost")
                .addSanDnsName("localhost")
                .notBefore(Instant.now().minus(1, ChronoUnit.HOURS))
                .notAfter(Instant.now().plus(1, ChronoUnit.DAYS))
                .ecp256()
                .buildIssuedBy(ca);
        X509Bundle clientCert = new CertificateBuilder()
                .subject("CN=posthaste client")
                .notBefore(Instant.now().minus(1, ChronoUnit.HOURS))
                .notAfter(Instant.now().plus(1, ChronoUnit.DAYS))
                .ecp256()
                .buildIssuedBy(ca);
        Path caPem = write("ca.pem", pem(ca.getCertificate()));
        Path chain = write("client.pem", pem(clientCert.getCertificate()));
        Path key = write("client.key", clientCert.getPrivateKeyPEM());
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        Channel server = mutualTlsServer(serverCert, ca, loops);
        String url = "https://localhost:" + ((InetSocketAddress) server.localAddress()).getPort() + "/";
        try (ClientSession withCert = ClientSession.builder()
                        .trustPem(caPem)
                        .clientCertificate(chain, key)
                        .build();
                ClientSession without = ClientSession.builder().trustPem(caPem).build()) {
            Response answer = withCert.get(url).send();
            assertThat(answer.text()).isEqualTo("hello CN=posthaste client");
            assertThatThrownBy(() -> without.get(url).send())
                    .as("the server demands a certificate")
                    .isInstanceOf(ClientException.class);
        } finally {
            server.close().sync();
            loops.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS)
                    .sync();
        }
    }

    @Test
    void aPinnedKeyIsRequiredOnTopOfTheUsualChecks() throws Exception {
        try (TestServer server = TestServer.builder().tls().start()) {
            String right = TlsSettings.pinOf(server.certificate());
            String wrong = "sha256/" + Base64.getEncoder().encodeToString(new byte[32]);
            try (ClientSession pinned = ClientSession.builder()
                    .trustManager(server.trustManager())
                    .pinCertificate("localhost", wrong, right)
                    .build()) {
                assertThat(pinned.get(server.url("/get")).send().status()).isEqualTo(200);
            }
            try (ClientSession mispinned = ClientSession.builder()
                    .trustManager(server.trustManager())
                    .pinCertificate("localhost", wrong)
                    .build()) {
                assertThatThrownBy(() -> mispinned.get(server.url("/get")).send())
                        .isInstanceOf(ClientConnectionException.class)
                        .hasMessageContaining("certificate pinning failed for localhost")
                        .hasMessageContaining(right);
            }
        }
    }

    @Test
    void theInsecureModeTrustsAnyCertificateAndSaysSoByItsName() {
        try (TestServer server = TestServer.builder().tls().start();
                ClientSession insecure =
                        ClientSession.builder().insecureDisableTlsVerification().build()) {
            assertThat(insecure.get(server.url("/get")).send().status()).isEqualTo(200);
        }
    }

    @Test
    void onlyTlsOneThreeIsSpokenWhenItIsTheMinimum() {
        try (TestServer server = TestServer.builder().tls().start();
                ClientSession session = ClientSession.builder()
                        .trustManager(server.trustManager())
                        .minTlsVersion("TLSv1.3")
                        .build()) {
            assertThat(session.get(server.url("/get")).send().status()).isEqualTo(200);
        }
        assertThatThrownBy(() -> ClientSession.builder().minTlsVersion("TLSv1.1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("TLSv1.2 or TLSv1.3");
    }

    @Test
    void missingFilesAndBadPinsAreRefusedAtTheCallNamingThem() {
        Path missing = dir.resolve("nope.pem");
        assertThatThrownBy(() -> ClientSession.builder().trustPem(missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(missing.toString());
        assertThatThrownBy(() -> ClientSession.builder().clientCertificate(missing, missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(missing.toString());
        assertThatThrownBy(() -> ClientSession.builder().pinCertificate("example.com", "md5/abc"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sha256/");
    }

    @Test
    void settingsThatContradictEachOtherFailWhenTheSessionIsBuilt() throws Exception {
        try (TestServer server = TestServer.builder().tls().start()) {
            Path ca = write("ca.pem", pem(server.certificate()));
            assertThatThrownBy(() -> ClientSession.builder()
                            .sslContext(SSLContext.getDefault())
                            .trustManager(server.trustManager())
                            .build())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("sslContext");
            assertThatThrownBy(() -> ClientSession.builder()
                            .trustManager(server.trustManager())
                            .trustPem(ca)
                            .build())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("use one");
            assertThatThrownBy(() -> ClientSession.builder()
                            .insecureDisableTlsVerification()
                            .trustPem(ca)
                            .build())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("checks nothing");
        }
    }

    /**
     * A small Netty TLS server that demands a client certificate issued by {@code ca} and answers
     * every request with a greeting naming it, then closes.
     */
    private static Channel mutualTlsServer(X509Bundle serverCert, X509Bundle ca, EventLoopGroup loops)
            throws Exception {
        SslContext tls = SslContextBuilder.forServer(serverCert.toKeyManagerFactory())
                .trustManager(ca.toTrustManagerFactory())
                .clientAuth(ClientAuth.REQUIRE)
                .build();
        return new ServerBootstrap()
                .group(loops)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        SslHandler ssl = tls.newHandler(ch.alloc());
                        ch.pipeline().addLast(ssl, new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
                                ReferenceCountUtil.release(msg);
                                String who = ssl.engine()
                                        .getSession()
                                        .getPeerPrincipal()
                                        .getName();
                                byte[] body = ("hello " + who).getBytes(StandardCharsets.UTF_8);
                                ctx.writeAndFlush(Unpooled.copiedBuffer(("HTTP/1.1 200 OK\r\nContent-Length: "
                                                        + body.length + "\r\nConnection: close\r\n\r\n"
                                                        + new String(body, StandardCharsets.UTF_8))
                                                .getBytes(StandardCharsets.UTF_8)))
                                        .addListener(ChannelFutureListener.CLOSE);
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                ctx.close(); // a client without a certificate: refused, as meant
                            }
                        });
                    }
                })
                .bind("127.0.0.1", 0)
                .sync()
                .channel();
    }
}
