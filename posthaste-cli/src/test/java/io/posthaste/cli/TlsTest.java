package io.posthaste.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import io.posthaste.testing.TestServer;
import io.posthaste.testing.TestServerExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** --verify and --ca against a TLS TestServer with a self-signed certificate. */
class TlsTest {

    @RegisterExtension
    static final TestServerExtension SERVER = TestServerExtension.perClass().tls();

    @TempDir
    Path dir;

    private TestServer server() {
        return SERVER.server();
    }

    private Path writeCertificate() throws Exception {
        Path pem = dir.resolve("server.pem");
        Files.writeString(
                pem,
                "-----BEGIN CERTIFICATE-----\n"
                        + Base64.getMimeEncoder()
                                .encodeToString(server().certificate().getEncoded())
                        + "\n-----END CERTIFICATE-----\n",
                StandardCharsets.US_ASCII);
        return pem;
    }

    @Test
    void anUntrustedCertificateIsATlsFailureWithAHint() {
        Cli.Result result = Cli.piped().run(server().url("/get"));
        assertThat(result.exitCode()).isEqualTo(ExitCode.TLS);
        assertThat(result.err())
                .startsWith("posthaste: TLS failure: GET " + server().url("/get"))
                .endsWith("(use --ca FILE to trust a certificate, or --verify=no)\n");
    }

    @Test
    void httpsToAPlainHttpServerAdvisesTheSchemeWithoutAHexDump() throws Exception {
        try (TestServer plain = TestServer.start()) {
            String http = plain.url("/get");
            String https = http.replaceFirst("^http:", "https:");
            for (String[] flags : new String[][] {
                {}, {"--verify=no"}, {"--ca", writeCertificate().toString()}
            }) {
                String[] args = java.util.Arrays.copyOf(flags, flags.length + 1);
                args[flags.length] = https;
                Cli.Result result = Cli.piped().run(args);
                assertThat(result.exitCode()).isEqualTo(ExitCode.TLS);
                assertThat(result.err())
                        .isEqualTo("posthaste: TLS failure: GET " + https + ": the server answered"
                                + " in plain HTTP, not TLS (is the scheme right? try " + http + ")\n");
            }
        }
    }

    @Test
    void caTrustsTheGivenCertificate() throws Exception {
        Path pem = writeCertificate();
        assertThat(Cli.piped()
                        .run("--ca", pem.toString(), "--check-status", server().url("/get"))
                        .exitCode())
                .isZero();
        assertThat(Cli.piped()
                        .run("--verify=" + pem, "--check-status", server().url("/get"))
                        .exitCode())
                .isZero();
    }

    @Test
    void caStillChecksTheHostName() throws Exception {
        // A server on 127.0.0.1 whose certificate, trusted with --ca, names only other.example.
        X509Bundle elsewhere = new CertificateBuilder()
                .subject("CN=other.example")
                .addSanDnsName("other.example")
                .ecp256()
                .setIsCertificateAuthority(true)
                .notBefore(Instant.now().minusSeconds(3600))
                .notAfter(Instant.now().plusSeconds(3600))
                .buildSelfSigned();
        Path pem = Files.writeString(dir.resolve("other.pem"), elsewhere.getCertificatePEM());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(elsewhere.toKeyManagerFactory().getKeyManagers(), null, null);
        try (ServerSocket listener =
                context.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread handshaker = new Thread(() -> {
                try (SSLSocket socket = (SSLSocket) listener.accept()) {
                    socket.setSoTimeout(5_000);
                    socket.startHandshake();
                } catch (IOException refusedByTheClient) {
                    // expected: the client turns the name down
                }
            });
            handshaker.start();
            Cli.Result result = Cli.piped()
                    .run(
                            "--ca",
                            pem.toString(),
                            "--timeout",
                            "5",
                            "https://localhost:" + listener.getLocalPort() + "/get");
            assertThat(result.exitCode()).isEqualTo(ExitCode.TLS);
            handshaker.join(5_000);
        }
    }

    @Test
    void verifyNoAcceptsAnyCertificateAndHostName() {
        assertThat(Cli.piped()
                        .run("--verify=no", "--check-status", server().url("/get"))
                        .exitCode())
                .isZero();
        String byAddress = server().url("/get").replace("localhost", "127.0.0.1");
        assertThat(Cli.piped()
                        .run("--verify", "no", "--check-status", byAddress)
                        .exitCode())
                .isZero();
    }

    @Test
    void aCaFileThatIsNotACertificateIsAUsageError() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.pem"), "not a certificate");
        Cli.Result result = Cli.piped().run("--ca", junk.toString(), server().url("/get"));
        assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(result.err()).startsWith("posthaste: not a certificate file");
        assertThat(Cli.piped()
                        .run("--ca", junk.toString(), "--verify=no", server().url("/get"))
                        .exitCode())
                .isEqualTo(ExitCode.USAGE);
    }
}
