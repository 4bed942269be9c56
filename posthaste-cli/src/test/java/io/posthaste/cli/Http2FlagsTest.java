package io.posthaste.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.posthaste.testing.RecordedRequest;
import io.posthaste.testing.TestServer;
import io.posthaste.testing.TestServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code --http2} and {@code --http2-prior-knowledge} on the request command and on
 * {@code bench}, against TestServers speaking HTTP/2 (h2c by prior knowledge on cleartext, h2 by
 * ALPN over TLS) and one speaking only HTTP/1.1 over TLS: which version goes out, what
 * {@code -v} and the headers show, and the usage errors.
 */
class Http2FlagsTest {

    /** Cleartext: HTTP/1.1, or h2c to a client that opens with the HTTP/2 preface. */
    @RegisterExtension
    static final TestServerExtension H2C = TestServerExtension.perTest().http2();

    @RegisterExtension
    static final TestServerExtension H2_OVER_TLS =
            TestServerExtension.perClass().tls().http2();

    @RegisterExtension
    static final TestServerExtension HTTP11_OVER_TLS =
            TestServerExtension.perClass().tls();

    private static TestServer h2c() {
        return H2C.server();
    }

    @Test
    void priorKnowledgeSpeaksH2cAndVerboseOutputShowsHttp2BothWays() {
        Cli.Result result = Cli.piped().run("-v", "--http2-prior-knowledge", h2c().url("/get"));

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).startsWith("GET /get HTTP/2\n").contains("\nHTTP/2 200\n");
        assertThat(h2c().takeRequest().version()).isEqualTo("HTTP/2");
    }

    @Test
    void withoutAFlagACleartextUrlStaysOnHttp11() {
        Cli.Result result = Cli.piped().run("-v", h2c().url("/get"));

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).startsWith("GET /get HTTP/1.1\n").contains("\nHTTP/1.1 200 OK\n");
        assertThat(h2c().takeRequest().version()).isEqualTo("HTTP/1.1");
    }

    @Test
    void headersOutputShowsTheHttp2StatusLineWithoutAReasonPhrase() {
        Cli.Result result = Cli.piped().run("-h", "--http2-prior-knowledge", h2c().url("/status/404"));

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).startsWith("HTTP/2 404\n");
    }

    @Test
    void priorKnowledgeCarriesBodiesAndHeadersOverH2c() {
        Cli.Result result =
                Cli.piped().run("--http2-prior-knowledge", h2c().url("/post"), "X-Auth-Token:secret", "name=posthaste");

        assertThat(result.exitCode()).as(result.err()).isZero();
        RecordedRequest request = h2c().takeRequest();
        assertThat(request.version()).isEqualTo("HTTP/2");
        assertThat(request.header("X-Auth-Token")).isEqualTo("secret");
        assertThat(request.bodyUtf8()).isEqualTo("{\"name\":\"posthaste\"}");
    }

    @Test
    void http2OnACleartextUrlIsAUsageErrorPointingToPriorKnowledge() {
        for (String[] command :
                new String[][] {{"--http2", h2c().url("/get")}, {"bench", "-n", "1", "--http2", h2c().url("/get")}}) {
            Cli.Result result = Cli.piped().run(command);

            assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
            assertThat(result.err()).contains("--http2-prior-knowledge");
        }
        assertThat(h2c().requestCount()).as("nothing sent").isZero();
    }

    @Test
    void http2OverTlsSpeaksH2AndSaysSo() {
        Cli.Result result = Cli.piped()
                .run("-v", "--http2", "--verify=no", H2_OVER_TLS.server().url("/get"));

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).startsWith("GET /get HTTP/2\n").contains("\nHTTP/2 200\n");
    }

    @Test
    void theDefaultOverTlsIsHttp2WhereTheServerAgrees() {
        Cli.Result result =
                Cli.piped().run("-h", "--verify=no", H2_OVER_TLS.server().url("/get"));

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).startsWith("HTTP/2 200\n");
    }

    @Test
    void http2FailsAgainstATlsServerThatOnlySpeaksHttp11WhereTheDefaultFallsBack() {
        String url = HTTP11_OVER_TLS.server().url("/get");

        Cli.Result forced = Cli.piped().run("--http2", "--verify=no", url);
        Cli.Result fallback = Cli.piped().run("-h", "--verify=no", url);

        assertThat(forced.exitCode()).isNotIn(ExitCode.OK, ExitCode.USAGE);
        assertThat(forced.err()).startsWith("posthaste: ").contains(url);
        assertThat(fallback.exitCode()).as(fallback.err()).isZero();
        assertThat(fallback.out()).startsWith("HTTP/1.1 200 OK\n");
    }

    @Test
    void benchWithPriorKnowledgeMultiplexesEveryRequestOnOneConnection() throws Exception {
        Cli.Result result = Cli.piped()
                .run("bench", "-n", "300", "-c", "16", "--json", "--http2-prior-knowledge", h2c().url("/get"));

        assertThat(result.exitCode()).as(result.err()).isZero();
        JsonNode report = new ObjectMapper().readTree(result.out());
        assertThat(report.get("requests").asLong()).isEqualTo(300);
        assertThat(report.get("status").get("200").asLong()).isEqualTo(300);
        assertThat(h2c().requestCount()).isEqualTo(300);
        assertThat(h2c().takeRequest().version()).isEqualTo("HTTP/2");
        assertThat(h2c().connectionCount()).as("16 streams on one connection").isEqualTo(1);
    }

    @Test
    void benchWithHttp2OverTlsSendsEveryRequestAsHttp2() throws Exception {
        TestServer server = H2_OVER_TLS.server();
        int before = server.requestCount();

        Cli.Result result = Cli.piped()
                .run("bench", "-n", "100", "-c", "8", "--json", "--http2", "--verify=no", server.url("/get"));

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(new ObjectMapper()
                        .readTree(result.out())
                        .get("status")
                        .get("200")
                        .asLong())
                .isEqualTo(100);
        assertThat(server.requestCount() - before).isEqualTo(100);
        for (int i = 0; i < 100; i++) {
            assertThat(server.takeRequest().version()).isEqualTo("HTTP/2");
        }
    }
}
