package io.posthaste.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import io.posthaste.testing.MutualTlsServer;
import io.posthaste.testing.TestProxy;
import io.posthaste.testing.TestServer;
import io.posthaste.testing.UnixSocketRelay;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --proxy}, {@code --noproxy} and the proxy environment as curl reads them,
 * {@code --unix-socket}, {@code --pin}, and {@code --cert}/{@code --cert-key}.
 */
class NetworkFlagsTest {

    @TempDir
    Path dir;

    @Test
    void proxyFlagSendsTheRequestThroughTheProxyWithItsCredentials() {
        try (TestServer server = TestServer.start();
                TestProxy proxy = TestProxy.http().requireCredentials("u", "pw")) {
            Cli.Result result = Cli.piped().run("--proxy", proxy.url("u", "pw"), server.url("/get"));
            assertThat(result.exitCode()).as(result.err()).isZero();
            assertThat(proxy.takeHead()).startsWith("GET " + server.url("/get") + " HTTP/1.1\n");
            Cli.Result tunnelled =
                    Cli.piped().run("--proxy", proxy.url("u", "pw"), "--proxytunnel", server.url("/get"));
            assertThat(tunnelled.exitCode()).as(tunnelled.err()).isZero();
            assertThat(proxy.takeHead()).startsWith("CONNECT 127.0.0.1:" + server.port() + " HTTP/1.1\n");
        }
    }

    @Test
    void theProxyEnvironmentIsReadAsCurlReadsIt() {
        try (TestServer server = TestServer.start();
                TestProxy proxy = TestProxy.http()) {
            Cli.Result viaEnv =
                    Cli.piped().env(Map.of("http_proxy", proxy.url())).run(server.url("/get"));
            assertThat(viaEnv.exitCode()).as(viaEnv.err()).isZero();
            assertThat(proxy.takeHead()).startsWith("GET " + server.url("/get"));

            Cli.Result noProxy = Cli.piped()
                    .env(Map.of("http_proxy", proxy.url(), "NO_PROXY", "127.0.0.0/8"))
                    .run(server.url("/get"));
            Cli.Result cgi = Cli.piped()
                    .env(Map.of("HTTP_PROXY", proxy.url(), "REQUEST_METHOD", "GET"))
                    .run(server.url("/get"));
            Cli.Result emptyFlag =
                    Cli.piped().env(Map.of("http_proxy", proxy.url())).run("--proxy", "", server.url("/get"));
            Cli.Result noProxyFlag =
                    Cli.piped().env(Map.of("http_proxy", proxy.url())).run("--noproxy", "*", server.url("/get"));
            for (Cli.Result direct : new Cli.Result[] {noProxy, cgi, emptyFlag, noProxyFlag}) {
                assertThat(direct.exitCode()).as(direct.err()).isZero();
            }
            assertThat(proxy.connectionCount())
                    .as("only the first went through the proxy")
                    .isEqualTo(1);
        }
    }

    @Test
    void aProxyRefusalIsReportedNamingTheProxyButNotItsPassword() {
        try (TestServer server = TestServer.builder().tls().start();
                TestProxy proxy = TestProxy.http().requireCredentials("u", "right")) {
            Cli.Result result =
                    Cli.piped().run("--verify=no", "--proxy", proxy.url("u", "wrong-pw"), server.url("/get"));
            assertThat(result.exitCode()).isNotZero();
            assertThat(result.err())
                    .contains("proxy http://u@127.0.0.1:" + proxy.port())
                    .contains("407")
                    .doesNotContain("wrong-pw");
        }
    }

    @Test
    void unixSocketFlagReachesTheServerOverThePathWithTheUrlsHost() {
        try (TestServer server = TestServer.start();
                UnixSocketRelay socket = UnixSocketRelay.to(server, dir.resolve("api.sock"))) {
            Cli.Result result = Cli.piped().in(dir).run("--unix-socket", "api.sock", "http://docker.invalid/get");
            assertThat(result.exitCode()).as(result.err()).isZero();
            assertThat(server.takeRequest().header("Host")).isEqualTo("docker.invalid");
            assertThat(socket.connectionCount()).isEqualTo(1);
        }
    }

    @Test
    void pinFlagAcceptsTheServersKeyAndRefusesAnyOther() throws Exception {
        try (TestServer server = TestServer.builder().tls().start()) {
            String pin = "sha256/"
                    + Base64.getEncoder()
                            .encodeToString(MessageDigest.getInstance("SHA-256")
                                    .digest(server.certificate().getPublicKey().getEncoded()));
            Path ca = Files.writeString(
                    dir.resolve("ca.pem"), pem(server.certificate().getEncoded()));
            Cli.Result pinned = Cli.piped().run("--ca", ca.toString(), "--pin", pin, server.url("/get"));
            assertThat(pinned.exitCode()).as(pinned.err()).isZero();
            Cli.Result wrong = Cli.piped()
                    .run(
                            "--ca",
                            ca.toString(),
                            "--pin",
                            "sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
                            server.url("/get"));
            assertThat(wrong.exitCode()).isEqualTo(ExitCode.TLS);
        }
    }

    @Test
    void certAndCertKeyPresentAClientCertificateForMutualTls() throws Exception {
        X509Bundle client = new CertificateBuilder()
                .subject("CN=cli-client")
                .ecp256()
                .setIsCertificateAuthority(true)
                .addExtendedKeyUsageClientAuth()
                .buildSelfSigned();
        Path cert = Files.writeString(dir.resolve("client.pem"), client.getCertificatePEM());
        Path key = Files.writeString(dir.resolve("client-key.pem"), client.getPrivateKeyPEM());
        Path both = Files.writeString(dir.resolve("both.pem"), client.getCertificatePEM() + client.getPrivateKeyPEM());
        try (MutualTlsServer server = MutualTlsServer.trusting(client.getCertificate())) {
            Cli.Result separate = Cli.piped()
                    .run("--verify=no", "--cert", cert.toString(), "--cert-key", key.toString(), server.url());
            assertThat(separate.exitCode()).as(separate.err()).isZero();
            assertThat(separate.out()).contains("CN=cli-client");
            Cli.Result oneFile = Cli.piped().run("--verify=no", "--cert", both.toString(), server.url());
            assertThat(oneFile.exitCode()).as(oneFile.err()).isZero();
            Cli.Result without = Cli.piped().run("--verify=no", server.url());
            assertThat(without.exitCode()).isNotZero();
        }
        Cli.Result keyAlone = Cli.piped().run("--cert-key", key.toString(), "https://example.invalid/");
        assertThat(keyAlone.exitCode()).isEqualTo(ExitCode.USAGE);
    }

    private static String pem(byte[] der) {
        return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder().encodeToString(der)
                + "\n-----END CERTIFICATE-----\n";
    }
}
