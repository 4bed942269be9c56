package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.posthaste.testing.MockResponse;
import io.posthaste.testing.RecordedRequest;
import io.posthaste.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HeadersAndResponsesTest {

    TestServer server;
    ClientSession session;

    @BeforeEach
    void start() {
        server = TestServer.start();
        session = ClientSession.builder()
                .header("X-Session", "s")
                .header("Accept", "text/html")
                .build();
    }

    @AfterEach
    void stop() {
        session.close();
        server.close();
    }

    @Test
    void hostComesFirstAndDefaultHeadersAreSent() {
        try (ClientSession plain = ClientSession.create()) {
            plain.get(server.url("/headers")).send();
        }
        List<Map.Entry<String, String>> headers = server.takeRequest().headers();
        assertThat(headers.get(0).getKey()).isEqualTo("Host");
        assertThat(headers.get(0).getValue()).isEqualTo("127.0.0.1:" + server.port());
        assertThat(headers).extracting(Map.Entry::getKey).contains("Accept", "Accept-Encoding", "User-Agent");
        RecordedRequest seen = server.takeRequest(java.time.Duration.ofMillis(10));
        assertThat(seen).isNull();
    }

    @Test
    void customHeadersAreSentAndSessionHeadersMergeCaseInsensitively() {
        session.get(server.url("/headers"))
                .headers(Map.of("X-Auth-Token", "secret-token"))
                .header("accept", "application/json")
                .send();

        RecordedRequest seen = server.takeRequest();
        assertThat(seen.header("X-Auth-Token")).isEqualTo("secret-token");
        assertThat(seen.header("X-Session")).isEqualTo("s");
        assertThat(seen.headers("Accept")).containsExactly("application/json");
        assertThat(seen.header("User-Agent")).startsWith("posthaste/");
        assertThat(seen.header("Accept-Encoding")).isEqualTo("gzip, deflate, br, zstd");
    }

    @Test
    void skippedAutoHeadersAreNotSent() {
        session.get(server.url("/get")).skipAutoHeader("User-Agent").send();

        assertThat(server.takeRequest().header("User-Agent")).isNull();
        assertThatThrownBy(() -> session.get(server.url("/get")).skipAutoHeader("Content-Length"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void headerInjectionIsRejectedFromEverySource() {
        assertThatThrownBy(() -> session.get(server.url("/")).header("X-A", "v\r\nX-B: injected"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageNotContaining("injected");
        assertThatThrownBy(() -> session.get(server.url("/")).header("X-A", "v\nb"))
                .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> session.get(server.url("/")).header("X-A", "v\u0000"))
                .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> session.get(server.url("/")).header("Bad Name", "v"))
                .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> ClientSession.builder().header("X", "a\rb"))
                .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> ClientSession.builder().userAgent("ua\n")).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> session.request("GET /x HTTP/1.1\r\n", server.url("/")))
                .isInstanceOf(InvalidRequestException.class);
        assertThat(server.requestCount()).isZero();
    }

    @Test
    void clientErrorRaisesByDefaultWithStatusReasonAndBody() {
        server.enqueue(MockResponse.builder()
                .status(422)
                .body("{\"error\":\"bad\"}")
                .header("Content-Type", "application/json")
                .build());

        assertThatThrownBy(() ->
                        session.post(server.url("/create")).json(Map.of("a", 1)).send())
                .isInstanceOfSatisfying(ClientResponseException.class, e -> {
                    assertThat(e.status()).isEqualTo(422);
                    assertThat(e.reason()).isEqualTo("Unprocessable Entity");
                    assertThat(e.bodyText()).isEqualTo("{\"error\":\"bad\"}");
                    assertThat(e.bodyAs(Map.class)).containsEntry("error", "bad");
                    assertThat(e.method()).isEqualTo("POST");
                    assertThat(e.getMessage()).startsWith("422, message='Unprocessable Entity'");
                });
        assertThat(session.poolStats().leased()).isZero();
    }

    @Test
    void raiseForStatusCanBeTurnedOffPerRequestAndPerSession() {
        assertThat(session.get(server.url("/status/500"))
                        .raiseForStatus(false)
                        .send()
                        .status())
                .isEqualTo(500);
        try (ClientSession lenient =
                ClientSession.builder().raiseForStatus(false).build()) {
            assertThat(lenient.get(server.url("/status/404")).send().status()).isEqualTo(404);
            assertThatThrownBy(() -> lenient.get(server.url("/status/404"))
                            .raiseForStatus(true)
                            .send())
                    .isInstanceOf(ClientResponseException.class);
        }
    }

    @Test
    void errorMessagesNeverContainSensitiveHeaderValues() {
        server.enqueue(MockResponse.status(401));
        assertThatThrownBy(() -> session.get(server.url("/x"))
                        .header("Authorization", "Bearer s3cr3t")
                        .send())
                .isInstanceOfSatisfying(
                        ClientResponseException.class,
                        e -> assertThat(e.toString() + e.headers()).doesNotContain("s3cr3t"));
        assertThat(Headers.of("Cookie", "sid=s3cr3t").toString()).doesNotContain("s3cr3t");
    }

    @Test
    void jsonEchoesBackAsTree() {
        JsonNode json = session.get(server.url("/headers"))
                .header("X-Auth-Token", "secret-token")
                .send()
                .json();
        assertThat(json.at("/headers/X-Auth-Token").asText()).isEqualTo("secret-token");
    }

    @Test
    void jsonOnNonJsonContentTypeRaisesContentTypeException() {
        server.enqueue(MockResponse.builder()
                .body("<html/>")
                .header("Content-Type", "text/html")
                .build());
        Response response = session.get(server.url("/page")).send();

        assertThatThrownBy(response::json)
                .isInstanceOfSatisfying(
                        ContentTypeException.class, e -> assertThat(e.status()).isEqualTo(200));
    }

    @Test
    void aCatchOfClientResponseExceptionAroundJsonAlsoCatchesANonJsonSuccessWithItsOwnStatus() {
        // The documented shape (aiohttp's): ContentTypeException is a ClientResponseException that
        // carries the status of the response it rejected, here a 200, while a raised error is >= 400.
        server.enqueue(MockResponse.builder()
                .body("<html>maintenance</html>")
                .header("Content-Type", "text/html")
                .build());
        server.enqueue(MockResponse.builder()
                .status(503)
                .body("<html>down</html>")
                .header("Content-Type", "text/html")
                .build());
        List<ClientResponseException> caught = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            try {
                session.get(server.url("/data")).send().json();
            } catch (ClientResponseException e) {
                caught.add(e);
            }
        }

        assertThat(caught.get(0))
                .isInstanceOf(ContentTypeException.class)
                .satisfies(e -> assertThat(e.status()).isEqualTo(200))
                .satisfies(e -> assertThat(e.bodyText()).isEqualTo("<html>maintenance</html>"))
                .hasMessageContaining("text/html")
                .hasMessageContaining("status 200");
        assertThat(caught.get(1))
                .isNotInstanceOf(ContentTypeException.class)
                .satisfies(e -> assertThat(e.status()).isEqualTo(503));
    }

    record Item(int id, String name) {}

    @Test
    void theDefaultJsonCodecIgnoresPropertiesATypeDoesNotDeclareAndAStrictMapperRefusesThem() {
        String evolved = "{\"id\":7,\"name\":\"pen\",\"addedLater\":{\"nested\":[1]}}";
        server.enqueue(MockResponse.builder()
                .body(evolved)
                .header("Content-Type", "application/json")
                .build());
        server.enqueue(MockResponse.builder()
                .status(409)
                .body(evolved)
                .header("Content-Type", "application/json")
                .build());

        assertThat(session.get(server.url("/item")).send().json(Item.class)).isEqualTo(new Item(7, "pen"));
        assertThatThrownBy(() -> session.get(server.url("/item")).send())
                .isInstanceOfSatisfying(
                        ClientResponseException.class,
                        e -> assertThat(e.bodyAs(Item.class)).isEqualTo(new Item(7, "pen")));

        ObjectMapper strictMapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        try (ClientSession strict = ClientSession.builder()
                .jsonCodec(JsonCodec.jackson(strictMapper))
                .build()) {
            server.enqueue(MockResponse.builder()
                    .body(evolved)
                    .header("Content-Type", "application/json")
                    .build());
            Response response = strict.get(server.url("/item")).send();
            assertThatThrownBy(() -> response.json(Item.class))
                    .isInstanceOf(ClientPayloadException.class)
                    .hasMessageContaining("addedLater");
        }
    }

    @Test
    void jsonCheckCanBeRelaxedAndEmptyBodyGivesNull() {
        try (ClientSession relaxed =
                ClientSession.builder().checkJsonContentType(false).build()) {
            server.enqueue(MockResponse.builder()
                    .body("[1,2]")
                    .header("Content-Type", "text/plain")
                    .build());
            server.enqueue(MockResponse.builder()
                    .body("  ")
                    .header("Content-Type", "application/json")
                    .build());
            assertThat(relaxed.get(server.url("/a")).send().json(int[].class)).containsExactly(1, 2);
            assertThat(relaxed.get(server.url("/b")).send().json()).isNull();
        }
    }

    @Test
    void textUsesTheCharsetOfTheContentTypeAndRejectsBadBytes() {
        server.enqueue(MockResponse.builder()
                .body("caf\u00e9".getBytes(StandardCharsets.ISO_8859_1))
                .header("Content-Type", "text/plain; charset=iso-8859-1")
                .build());
        server.enqueue(MockResponse.builder()
                .body(new byte[] {(byte) 0xff, (byte) 0xfe})
                .header("Content-Type", "text/plain")
                .build());

        assertThat(session.get(server.url("/latin")).send().text()).isEqualTo("café");
        Response bad = session.get(server.url("/bad")).send();
        assertThatThrownBy(bad::text).isInstanceOf(ClientPayloadException.class);
    }

    @Test
    void gzipAndDeflateBodiesAreDecoded() {
        assertThat(session.get(server.url("/gzip")).send().json().get("gzipped").asBoolean())
                .isTrue();
        assertThat(session.get(server.url("/deflate"))
                        .send()
                        .json()
                        .get("deflated")
                        .asBoolean())
                .isTrue();
    }

    @Test
    void responseOverTheBufferedCapFailsWithPayloadException() {
        try (ClientSession capped =
                ClientSession.builder().maxResponseBodySize(1000).build()) {
            assertThatThrownBy(() -> capped.get(server.url("/bytes/5000")).send())
                    .isInstanceOf(ClientPayloadException.class)
                    .hasMessageContaining("1000");
            assertThatThrownBy(
                            () -> capped.get(server.url("/stream-bytes/5000")).send())
                    .isInstanceOf(ClientPayloadException.class);
            assertThat(capped.poolStats().leased()).isZero();
        }
    }

    @Test
    void headResponseNeverWaitsForABody() {
        server.enqueue(MockResponse.builder().header("Content-Length", "1000").build());
        Response response = session.head(server.url("/big")).send();
        assertThat(response.bodyLength()).isZero();
        assertThat(response.headers().get("Content-Length")).isEqualTo("1000");
        assertThat(session.get(server.url("/get")).send().status()).isEqualTo(200);
    }

    @Test
    void queryParametersAreAppendedAndTheFragmentIsNeverSent() {
        session.get(server.url("/get?a=1#frag"))
                .query("b", "x y")
                .query("b", "2")
                .send();

        assertThat(server.takeRequest().target()).isEqualTo("/get?a=1&b=x%20y&b=2");
    }

    @Test
    void baseUrlJoinsRelativePathsPerRfc3986() {
        try (ClientSession based =
                ClientSession.builder().baseUrl(server.url("/api/v1/")).build()) {
            based.get("users").raiseForStatus(false).send();
            based.get("/root").raiseForStatus(false).send();
        }
        assertThat(server.takeRequest().path()).isEqualTo("/api/v1/users");
        assertThat(server.takeRequest().path()).isEqualTo("/root");
    }
}
