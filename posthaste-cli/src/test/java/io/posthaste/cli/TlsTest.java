package io.posthaste.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.posthaste.testing.TestServer;
import io.posthaste.testing.TestServerExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
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
        Files.writeString(pem, "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder().encodeToString(server().certificate().getEncoded())
                + "\n-----END CERTIFICATE-----\n", StandardCharsets.US_ASCII);
        return pem;
    }

    @Test
    void anUntrustedCertificateIsATlsFailureWithAHint() {
        Cli.Result result = Cli.piped().run(server().url("/get"));
        assertThat(result.exitCode()).isEqualTo(ExitCode.TLS);
        assertThat(result.err()).startsWith("posthaste: TLS failure: GET " + server().url("/get"))
                .endsWith("(use --ca FILE to trust a certificate, or --verify=no)\n");
    }

    @Test
    void caTrustsTheGivenCertificate() throws Exception {
        Path pem = writeCertificate();
        assertThat(Cli.piped().run("--ca", pem.toString(), "--check-status", server().url("/get")).exitCode()).isZero();
        assertThat(Cli.piped().run("--verify=" + pem, "--check-status", server().url("/get")).exitCode()).isZero();
    }

    @Test
    void caStillChecksTheHostName() throws Exception {
        Path pem = writeCertificate();
        String otherName = server().url("/get").replace("localhost", "127.0.0.2");
        Cli.Result result = Cli.piped().run("--ca", pem.toString(), "--timeout", "5", otherName);
        assertThat(result.exitCode()).isIn(ExitCode.TLS, ExitCode.CONNECTION);
    }

    @Test
    void verifyNoAcceptsAnyCertificateAndHostName() {
        assertThat(Cli.piped().run("--verify=no", "--check-status", server().url("/get")).exitCode()).isZero();
        String byAddress = server().url("/get").replace("localhost", "127.0.0.1");
        assertThat(Cli.piped().run("--verify", "no", "--check-status", byAddress).exitCode()).isZero();
    }

    @Test
    void aCaFileThatIsNotACertificateIsAUsageError() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.pem"), "not a certificate");
        Cli.Result result = Cli.piped().run("--ca", junk.toString(), server().url("/get"));
        assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(result.err()).startsWith("posthaste: not a certificate file");
        assertThat(Cli.piped().run("--ca", junk.toString(), "--verify=no", server().url("/get")).exitCode())
                .isEqualTo(ExitCode.USAGE);
    }
}
