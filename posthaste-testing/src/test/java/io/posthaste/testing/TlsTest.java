package io.posthaste.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TlsTest {

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.builder().tls().start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void clientTrustingTheHandedOutMaterialGetsHttpsAnswers() throws Exception {
        assertThat(server.isTls()).isTrue();
        assertThat(server.url("/get")).isEqualTo("https://localhost:" + server.port() + "/get");
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .sslContext(server.clientSslContext())
                .build();
        server.enqueue(MockResponse.ok("secret"));
        HttpResponse<String> r =
                client.send(HttpRequest.newBuilder(server.uri("/x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.body()).isEqualTo("secret");
        RecordedRequest recorded = server.takeRequest();
        assertThat(recorded.tls()).isTrue();
        assertThat(recorded.url()).startsWith("https://localhost:");
        String echoed = client.send(
                        HttpRequest.newBuilder(server.uri("/get")).build(), HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(echoed).contains("\"url\": \"https://localhost:" + server.port() + "/get\"");
    }

    @Test
    void certificateNamesLoopbackAndIsTrustedByTheTrustManager() throws Exception {
        X509Certificate cert = server.certificate();
        List<String> names = cert.getSubjectAlternativeNames().stream()
                .map(san -> String.valueOf(san.get(1)))
                .toList();
        assertThat(names).contains("localhost", "127.0.0.1");
        cert.checkValidity();
        server.trustManager().checkServerTrusted(new X509Certificate[] {cert}, "ECDHE_ECDSA");
        assertThat(List.of(server.trustManager().getAcceptedIssuers())).containsExactly(cert);
    }

    @Test
    void clientWithDefaultTrustRejectsTheServer() {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertThatThrownBy(() -> client.send(
                        HttpRequest.newBuilder(server.uri("/get")).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void plainTooServesHttpAndHttpsOnOnePortAndRecordsWhich() throws Exception {
        try (TestServer both = TestServer.builder().tls().plainToo().start()) {
            HttpClient client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .sslContext(both.clientSslContext())
                    .build();
            assertThat(client.send(
                                    HttpRequest.newBuilder(both.uri("/get")).build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode())
                    .isEqualTo(200);
            try (RawClient plain = new RawClient(both.port(), 5_000)) {
                assertThat(plain.send(RawClient.get("/get")).read().status()).isEqualTo(200);
            }
            assertThat(both.takeRequest().tls()).isTrue();
            RecordedRequest second = both.takeRequest();
            assertThat(second.tls()).isFalse();
            assertThat(second.url()).startsWith("http://");
        }
        assertThatThrownBy(() -> TestServer.builder().plainToo().start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("tls()");
    }

    @Test
    void eachTlsServerHasItsOwnCertificate() {
        try (TestServer other = TestServer.builder().tls().start()) {
            assertThat(other.certificate()).isNotEqualTo(server.certificate());
        }
    }
}
