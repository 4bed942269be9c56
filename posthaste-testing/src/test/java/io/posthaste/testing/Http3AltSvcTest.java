package io.posthaste.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** How the TCP side of an HTTP/3 test server advertises it, for clients that discover HTTP/3 by Alt-Svc. */
class Http3AltSvcTest {

    @BeforeAll
    static void quicIsAvailable() {
        assumeTrue(TestServer.http3Available(), "no QUIC native library on this platform");
    }

    private static HttpResponse<String> get(TestServer server, HttpClient.Version version, String path)
            throws Exception {
        return HttpClient.newBuilder()
                .version(version)
                .sslContext(server.clientSslContext())
                .build()
                .send(
                        HttpRequest.newBuilder(server.uri(path))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyTcpAnswerAdvertisesHttp3OnTheSamePortOverHttp1AndHttp2() throws Exception {
        try (TestServer server = TestServer.builder().http2().http3().start()) {
            server.enqueue(MockResponse.builder().status(404).build());
            for (HttpClient.Version version : HttpClient.Version.values()) {
                HttpResponse<String> r = get(server, version, "/get");
                assertThat(r.version()).isEqualTo(version);
                assertThat(r.headers().allValues("alt-svc"))
                        .as(version.name())
                        .containsExactly("h3=\":" + server.port() + "\"; ma=86400");
            }
            assertThat(server.isHttp3()).isTrue();
            assertThat(server.isTls()).as("http3() turns TLS on").isTrue();
            assertThat(server.url("/x")).isEqualTo("https://localhost:" + server.port() + "/x");
        }
    }

    @Test
    void theMaxAgeIsConfigurableAndAScriptedAltSvcIsLeftAlone() throws Exception {
        Http3Options options =
                Http3Options.builder().altSvcMaxAge(Duration.ofSeconds(5)).build();
        try (TestServer server = TestServer.builder().http3(options).start()) {
            assertThat(get(server, HttpClient.Version.HTTP_1_1, "/get")
                            .headers()
                            .firstValue("alt-svc"))
                    .hasValue("h3=\":" + server.port() + "\"; ma=5");
            server.enqueue(MockResponse.builder().header("Alt-Svc", "clear").build());
            assertThat(get(server, HttpClient.Version.HTTP_1_1, "/get")
                            .headers()
                            .allValues("alt-svc"))
                    .containsExactly("clear");
        }
    }

    @Test
    void withoutAdvertisingTheTcpSideSaysNothingOfHttp3() throws Exception {
        try (TestServer server = TestServer.builder()
                .http3(Http3Options.builder().advertise(false).build())
                .start()) {
            assertThat(get(server, HttpClient.Version.HTTP_1_1, "/get")
                            .headers()
                            .firstValue("alt-svc"))
                    .isEmpty();
        }
        try (TestServer server = TestServer.builder().tls().http2().start()) {
            assertThat(get(server, HttpClient.Version.HTTP_2, "/get").headers().firstValue("alt-svc"))
                    .isEmpty();
        }
    }
}
