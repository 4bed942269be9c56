package io.posthaste.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.posthaste.testing.Http3Options;
import io.posthaste.testing.TestServer;
import org.junit.jupiter.api.Test;

/**
 * {@code --http3}: the request goes over HTTP/3 to the URL's origin and {@code -v} shows it both
 * ways; where QUIC cannot connect it falls back to TCP; an {@code http://} URL is a usage error.
 */
class Http3FlagTest {

    @Test
    void http3SpeaksHttp3ToTheOriginAndVerboseOutputShowsIt() {
        assumeTrue(TestServer.http3Available(), "no QUIC native library on this platform");
        try (TestServer server = TestServer.builder().http3().start()) {
            Cli.Result result = Cli.piped().run("-v", "--http3", "--verify=no", server.url("/get"), "X-Probe:1");

            assertThat(result.exitCode()).as(result.err()).isZero();
            assertThat(result.out()).startsWith("GET /get HTTP/3\n").contains("\nHTTP/3 200\n");
            assertThat(server.takeRequest().version()).isEqualTo("HTTP/3");
        }
    }

    @Test
    void http3FallsBackToTcpWhereUdpIsBlocked() {
        assumeTrue(TestServer.http3Available(), "no QUIC native library on this platform");
        try (TestServer server = TestServer.builder()
                .http2()
                .http3(Http3Options.builder().blackHole().build())
                .start()) {
            Cli.Result result = Cli.piped().run("-h", "--http3", "--verify=no", server.url("/get"));

            assertThat(result.exitCode()).as(result.err()).isZero();
            assertThat(result.out()).startsWith("HTTP/2 200\n");
        }
    }

    @Test
    void http3OnACleartextUrlIsAUsageError() {
        Cli.Result result = Cli.piped().run("--http3", "http://localhost:1/get");

        assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(result.err()).contains("--http3").contains("https");
    }
}
