package io.posthaste.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.posthaste.testing.internal.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** HTTP/3 on the test server, spoken to by Netty's own HTTP/3 client: routes, scripts, recording. */
class Http3EchoTest {

    @BeforeAll
    static void quicIsAvailable() {
        assumeTrue(TestServer.http3Available(), "no QUIC native library on this platform");
    }

    @Test
    void theEchoRoutesAnswerOverHttp3AndTheRequestIsRecordedAsHttp3() throws Exception {
        try (TestServer server = TestServer.builder().http3().start();
                H3TestClient client = new H3TestClient(server)) {
            H3TestClient.Connection connection = client.connect();
            H3TestClient.Response r = client.send(
                    connection,
                    "POST",
                    "/post?x=1",
                    "hello h3".getBytes(StandardCharsets.UTF_8),
                    "Content-Type",
                    "text/plain",
                    "X-Probe",
                    "yes");
            assertThat(r.status()).isEqualTo(200);
            Map<?, ?> json = (Map<?, ?>) Json.parse(r.bodyUtf8());
            assertThat(json.get("data")).isEqualTo("hello h3");
            assertThat(((Map<?, ?>) json.get("args")).get("x")).isEqualTo("1");
            assertThat(((Map<?, ?>) json.get("headers")).get("X-Probe")).isEqualTo("yes");

            RecordedRequest recorded = server.takeRequest();
            assertThat(recorded.version()).isEqualTo("HTTP/3");
            assertThat(recorded.method()).isEqualTo("POST");
            assertThat(recorded.target()).isEqualTo("/post?x=1");
            assertThat(recorded.header("Host")).isEqualTo("localhost:" + server.port());
            assertThat(recorded.bodyUtf8()).isEqualTo("hello h3");
            assertThat(recorded.tls()).isTrue();
            assertThat(recorded.streamId()).isZero();
            assertThat(recorded.connectionId()).isEqualTo(1);
            assertThat(server.requestCount()).isEqualTo(1);
            assertThat(server.connectionCount()).isEqualTo(1);
        }
    }

    @Test
    void requestsOnOneConnectionAreStreamsOfItAndEachConnectionIsCounted() throws Exception {
        try (TestServer server = TestServer.builder().http3().start();
                H3TestClient client = new H3TestClient(server)) {
            H3TestClient.Connection first = client.connect();
            for (int i = 0; i < 3; i++) {
                assertThat(client.get(first, "/get?i=" + i).status()).isEqualTo(200);
            }
            assertThat(client.get(client.connect(), "/get").status()).isEqualTo(200);
            for (int i = 0; i < 3; i++) {
                RecordedRequest recorded = server.takeRequest();
                assertThat(recorded.connectionId()).isEqualTo(1);
                assertThat(recorded.sequenceOnConnection()).isEqualTo(i);
                assertThat(recorded.streamId()).isEqualTo(4 * i);
            }
            assertThat(server.takeRequest().connectionId()).isEqualTo(2);
            assertThat(server.connectionCount()).isEqualTo(2);
        }
    }

    @Test
    void aScriptedAnswerKeepsItsHeadersFramingAndTrailersOnHttp3() throws Exception {
        try (TestServer server = TestServer.builder().http3().start();
                H3TestClient client = new H3TestClient(server)) {
            server.enqueue(MockResponse.builder()
                    .status(201)
                    .header("X-Script", "one")
                    .body("abcdefghij")
                    .chunked(4)
                    .trailer("X-Checksum", "42")
                    .build());
            server.enqueue(MockResponse.builder().status(204).build());
            H3TestClient.Connection connection = client.connect();
            H3TestClient.Response scripted = client.get(connection, "/anything");
            assertThat(scripted.status()).isEqualTo(201);
            assertThat(scripted.header("x-script")).isEqualTo("one");
            assertThat(scripted.bodyUtf8()).isEqualTo("abcdefghij");
            assertThat(scripted.dataFrames()).containsExactly(4, 4, 2);
            assertThat(scripted.trailers()).containsExactly(Map.entry("x-checksum", "42"));
            H3TestClient.Response empty = client.get(connection, "/anything");
            assertThat(empty.status()).isEqualTo(204);
            assertThat(empty.body()).isEmpty();
            assertThat(server.pendingResponseCount()).isZero();
        }
    }

    @Test
    void theSinkMeasuresAnHttp3UploadWithoutKeepingIt() throws Exception {
        byte[] body = new byte[3 * 1024 * 1024 + 7];
        new java.util.Random(3).nextBytes(body);
        String sha256 = java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(body));
        try (TestServer server = TestServer.builder().http3().start();
                H3TestClient client = new H3TestClient(server)) {
            H3TestClient.Response r = client.send(client.connect(), "PUT", "/sink", body);
            Map<?, ?> json = (Map<?, ?>) Json.parse(r.bodyUtf8());
            assertThat(json.get("bytes")).isEqualTo((long) body.length);
            assertThat(json.get("sha256")).isEqualTo(sha256);
            RecordedRequest recorded = server.takeRequest();
            assertThat(recorded.bodySize()).isEqualTo(body.length);
            assertThat(recorded.body()).isEmpty();
        }
    }
}
