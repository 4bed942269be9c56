package io.posthaste.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import io.posthaste.testing.MutualTlsServer;
import io.posthaste.testing.TestProxy;
import io.posthaste.testing.TestServer;
import io.posthaste.testing.UnixSocketRelay;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the README's network one-liners ({@link NetworkExamples}) as they are written there. */
class NetworkExamplesTest {

    @TempDir
    Path dir;

    private Path pem(String name, X509Certificate certificate) throws Exception {
        return Files.writeString(
                dir.resolve(name),
                "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder().encodeToString(certificate.getEncoded())
                        + "\n-----END CERTIFICATE-----\n");
    }

    @Test
    void trustingAPrivateCaTakesOneLine() throws Exception {
        try (TestServer server = TestServer.builder().tls().start()) {
            String echo = NetworkExamples.trustPrivateCa(server.url("/get"), pem("ca.pem", server.certificate()));
            assertThat(echo).contains("\"url\"");
        }
    }

    @Test
    void mutualTlsTakesOneLine() throws Exception {
        X509Bundle client = new CertificateBuilder()
                .subject("CN=example-client")
                .ecp256()
                .setIsCertificateAuthority(true)
                .addExtendedKeyUsageClientAuth()
                .buildSelfSigned();
        Path cert = Files.writeString(dir.resolve("client.pem"), client.getCertificatePEM());
        Path key = Files.writeString(dir.resolve("client.key"), client.getPrivateKeyPEM());
        try (MutualTlsServer server = MutualTlsServer.trusting(client.getCertificate())) {
            assertThat(NetworkExamples.mutualTls(server.url(), pem("server.pem", server.certificate()), cert, key))
                    .isEqualTo("client CN=example-client\n");
        }
    }

    @Test
    void aProxyTakesOneLineAndARequestCanSkipIt() {
        try (TestServer server = TestServer.start();
                TestProxy proxy = TestProxy.http().requireCredentials("u", "pw")) {
            assertThat(NetworkExamples.throughProxy(server.url("/get"), proxy.url("u", "pw")))
                    .contains("\"url\"");
            assertThat(proxy.takeHead()).startsWith("GET " + server.url("/get"));
            assertThat(proxy.connectionCount()).isEqualTo(1);
            assertThat(server.requestCount()).isEqualTo(2);
        }
        try (TestServer server = TestServer.start();
                TestProxy socks = TestProxy.socks5()) {
            assertThat(NetworkExamples.throughProxy(server.url("/get"), socks.url()))
                    .contains("\"url\"");
            assertThat(socks.takeHead()).isEqualTo("CONNECT 127.0.0.1:" + server.port());
        }
    }

    @Test
    void aServerOnAUnixSocketTakesOneLine() {
        try (TestServer server = TestServer.start();
                UnixSocketRelay socket = UnixSocketRelay.to(server, dir.resolve("s.sock"))) {
            assertThat(NetworkExamples.overUnixSocket("http://docker/get", socket.path()))
                    .contains("\"Host\": \"docker\"");
        }
    }
}
