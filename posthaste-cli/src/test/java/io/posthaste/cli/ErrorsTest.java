package io.posthaste.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.NotSslRecordException;
import io.posthaste.ClientConnectionException;
import io.posthaste.ClientPayloadException;
import io.posthaste.InvalidRequestException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** How failures read: one line, the advice that fits, and never a dump of raw bytes. */
class ErrorsTest {

    private static final String WHAT = "GET https://127.0.0.1:8080/get";
    /** What Netty says when the "TLS" server answers with an HTTP response (300 bytes of it). */
    private static final String NOT_TLS = "not an SSL/TLS record: "
            + HexFormat.of()
                    .formatHex(("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n" + "x".repeat(250)).getBytes());

    @Test
    void aPlainHttpAnswerToHttpsAdvisesTheSchemeNotTrust() {
        // However the client words it: Netty's raw message, a cause deep in the chain, or the
        // client's own sentence with no cause at all.
        List<ClientConnectionException> shapes = List.of(
                new ClientConnectionException(
                        WHAT + ": TLS handshake with 127.0.0.1:8080 failed: " + NOT_TLS,
                        new NotSslRecordException(NOT_TLS),
                        true,
                        false),
                new ClientConnectionException(
                        WHAT + ": TLS handshake failed",
                        new SSLException("handshake", new SSLException(NOT_TLS)),
                        true,
                        false),
                new ClientConnectionException(
                        WHAT + ": the server answered in plain HTTP, not TLS" + " \u2014 is the scheme right?",
                        null,
                        true,
                        false),
                new ClientConnectionException(
                        WHAT + ": the server answered in plain HTTP, not TLS",
                        new NotSslRecordException(NOT_TLS),
                        false,
                        false));
        for (ClientConnectionException failure : shapes) {
            Errors.Report report = Errors.describe(failure, WHAT);
            assertThat(report.exitCode()).isEqualTo(ExitCode.TLS);
            assertThat(report.message())
                    .isEqualTo("TLS failure: " + WHAT + ": the server answered in plain"
                            + " HTTP, not TLS (is the scheme right? try http://127.0.0.1:8080/get)");
        }
    }

    @Test
    void anUntrustedCertificateStillAdvisesCaOrVerifyNo() {
        Errors.Report report = Errors.describe(
                new ClientConnectionException(
                        WHAT + ": TLS handshake failed: " + "PKIX path building failed",
                        new SSLHandshakeException("PKIX"),
                        true,
                        false),
                WHAT);
        assertThat(report.exitCode()).isEqualTo(ExitCode.TLS);
        assertThat(report.message()).endsWith("(use --ca FILE to trust a certificate, or --verify=no)");
    }

    @Test
    void noReportEverCarriesAHexDump() {
        byte[] bytes = new byte[300];
        new Random(1).nextBytes(bytes);
        String dump = HexFormat.of().formatHex(bytes);
        List<Throwable> failures = List.of(
                new ClientConnectionException(WHAT + ": TLS handshake failed: bad record " + dump, null, true, false),
                new ClientConnectionException(WHAT + ": connection failed: " + dump, null, false, false),
                new ClientPayloadException(WHAT + ": malformed response: " + dump, null),
                new InvalidRequestException(WHAT + ": " + dump),
                new UncheckedIOException(new IOException("read " + dump)),
                new IllegalStateException("state " + dump.toUpperCase()),
                new CliException(ExitCode.ERROR, "cannot read " + dump));
        for (Throwable failure : failures) {
            String message = Errors.describe(failure, WHAT).message();
            assertThat(message)
                    .as(failure.getClass().getSimpleName())
                    .doesNotContainPattern("[0-9a-fA-F]{65}")
                    .doesNotContain(dump.substring(0, 64))
                    .contains("300 bytes in hex left out");
        }
    }

    @Test
    void digestsAndIdsThatLookLikeHexAreKept() {
        String sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        String message = Errors.describe(
                        new ClientPayloadException(WHAT + ": digest " + sha256 + " did not match", null), WHAT)
                .message();
        assertThat(message).contains(sha256);
    }

    @Test
    void aReportIsOneLineWhateverTheMessageHolds() {
        Errors.Report report =
                Errors.describe(new InvalidRequestException("bad header value \"a\r\nX-Evil: 1\u001b[31m\""), WHAT);
        assertThat(report.message()).doesNotContain("\r", "\n", "\u001b").contains("X-Evil: 1");
    }
}
