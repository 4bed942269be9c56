package io.posthaste.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.posthaste.testing.internal.Json;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/** HTTP/2 over TLS, negotiated by ALPN, with the JDK's HttpClient as a real HTTP/2 client. */
class Http2TlsTest {

    private static HttpClient client(TestServer server, HttpClient.Version version) {
        return HttpClient.newBuilder()
                .version(version)
                .sslContext(server.clientSslContext())
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    private static HttpRequest.Builder request(TestServer server, String path) {
        return HttpRequest.newBuilder(server.uri(path)).timeout(Duration.ofSeconds(15));
    }

    @Test
    void alpnAgreesOnH2WithAnHttp2ClientAndTheExchangeIsRecordedAsHttp2OverTls() throws Exception {
        try (TestServer server = TestServer.builder().tls().http2().start()) {
            server.enqueue(
                    MockResponse.builder().header("X-Via", "h2").body("over h2").build());
            HttpResponse<String> r = client(server, HttpClient.Version.HTTP_2)
                    .send(
                            request(server, "/x")
                                    .POST(HttpRequest.BodyPublishers.ofString("hi"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(r.headers().firstValue("x-via")).hasValue("h2");
            assertThat(r.body()).isEqualTo("over h2");
            RecordedRequest recorded = server.takeRequest();
            assertThat(recorded.version()).isEqualTo("HTTP/2");
            assertThat(recorded.tls()).isTrue();
            assertThat(recorded.bodyUtf8()).isEqualTo("hi");
            assertThat(recorded.url()).isEqualTo("https://localhost:" + server.port() + "/x");
        }
    }

    @Test
    void anHttp11ClientStillGetsHttp11FromAnH2Server() throws Exception {
        try (TestServer server = TestServer.builder().tls().http2().start()) {
            HttpResponse<String> r = client(server, HttpClient.Version.HTTP_1_1)
                    .send(request(server, "/get").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
            assertThat(server.takeRequest().version()).isEqualTo("HTTP/1.1");
        }
    }

    @Test
    void aTlsServerWithoutHttp2NegotiatesNoH2() throws Exception {
        try (TestServer server = TestServer.builder().tls().start()) {
            HttpResponse<String> r = client(server, HttpClient.Version.HTTP_2)
                    .send(request(server, "/get").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        }
    }

    @Test
    void concurrentRequestsAreMultiplexedAsStreamsOfOneConnection() throws Exception {
        try (TestServer server = TestServer.builder().tls().http2().start()) {
            HttpClient client = client(server, HttpClient.Version.HTTP_2);
            // One request first, so that the client has its connection before the rest go out.
            client.send(request(server, "/get").build(), HttpResponse.BodyHandlers.ofString());
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(client.sendAsync(
                        request(server, "/delay/0.2?i=" + i).build(), HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> call : calls) {
                assertThat(call.get().statusCode()).isEqualTo(200);
            }
            List<Integer> streams = new ArrayList<>();
            for (int i = 0; i < 9; i++) {
                RecordedRequest recorded = server.takeRequest();
                assertThat(recorded.connectionId()).isEqualTo(1);
                streams.add(recorded.streamId());
            }
            assertThat(streams).doesNotHaveDuplicates().allMatch(id -> id % 2 == 1);
            assertThat(server.connectionCount()).isEqualTo(1);
        }
    }

    @Test
    void anUploadStartedBeforeASmallWindowAppliesStillCompletesThroughIt() throws Exception {
        byte[] body = new byte[300_000];
        new java.util.Random(14).nextBytes(body);
        String sha256 =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        Http2Options smallWindow =
                Http2Options.builder().initialWindowSize(1024).build();
        try (TestServer server = TestServer.builder().tls().http2(smallWindow).start()) {
            // On a fresh connection: the client sends its first 64 KiB before the small window applies.
            HttpResponse<String> r = client(server, HttpClient.Version.HTTP_2)
                    .send(
                            request(server, "/sink")
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
            Map<?, ?> json = (Map<?, ?>) Json.parse(r.body());
            assertThat(json.get("bytes")).isEqualTo((long) body.length);
            assertThat(json.get("sha256")).isEqualTo(sha256);
        }
    }

    @Test
    void onceAppliedTheAdvertisedWindowBoundsEveryDataFrameOfARealClient() throws Exception {
        Http2Options smallWindow = Http2Options.builder().initialWindowSize(100).build();
        try (TestServer server = TestServer.builder().tls().http2(smallWindow).start()) {
            HttpClient client = client(server, HttpClient.Version.HTTP_2);
            // The window applies once the client has acknowledged the server's SETTINGS, a round trip in.
            client.send(request(server, "/get").build(), HttpResponse.BodyHandlers.ofString());
            server.takeRequest();
            client.send(
                    request(server, "/post")
                            .POST(HttpRequest.BodyPublishers.ofString("x".repeat(1_000)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            RecordedRequest recorded = server.takeRequest();
            assertThat(recorded.bodySize()).isEqualTo(1_000);
            assertThat(recorded.chunkSizes()).hasSizeGreaterThanOrEqualTo(10).allMatch(size -> size <= 100);
        }
    }

    @Test
    void plainTooServesH2ByAlpnAndH2cByPriorKnowledgeOnOnePort() throws Exception {
        try (TestServer server = TestServer.builder().tls().plainToo().http2().start()) {
            HttpResponse<String> secure = client(server, HttpClient.Version.HTTP_2)
                    .send(request(server, "/get").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(secure.version()).isEqualTo(HttpClient.Version.HTTP_2);
            try (H2FrameClient plain = new H2FrameClient(server)) {
                plain.handshake();
                plain.headers(1, "GET", "/get", true);
                assertThat(plain.response(1).status()).isEqualTo(200);
            }
            RecordedRequest first = server.takeRequest();
            RecordedRequest second = server.takeRequest();
            assertThat(List.of(first.version(), second.version())).containsOnly("HTTP/2");
            assertThat(List.of(first.tls(), second.tls())).containsExactly(true, false);
        }
    }

    @Test
    void aRawTlsClientOfferingOnlyH2GetsIt() throws Exception {
        try (TestServer server = TestServer.builder().tls().http2().start()) {
            SSLSocket socket = (SSLSocket) server.clientSslContext()
                    .getSocketFactory()
                    .createSocket(new Socket("127.0.0.1", server.port()), "localhost", server.port(), true);
            SSLParameters params = socket.getSSLParameters();
            params.setApplicationProtocols(new String[] {"h2"});
            socket.setSSLParameters(params);
            socket.startHandshake();
            assertThat(socket.getApplicationProtocol()).isEqualTo("h2");
            try (H2FrameClient c = new H2FrameClient(socket)) {
                c.handshake();
                c.headers(1, "GET", "/status/204", true);
                assertThat(c.response(1).status()).isEqualTo(204);
            }
        }
    }
}
