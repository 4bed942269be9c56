package io.posthaste.testing.cassette;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posthaste.Body;
import io.posthaste.ClientSession;
import io.posthaste.MediaType;
import io.posthaste.Response;
import io.posthaste.testing.MockResponse;
import io.posthaste.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recording against a {@link TestServer}, replaying with it stopped, and what the file holds. */
class CassetteTest {

    @TempDir
    Path directory;

    Path file;
    TestServer server;
    /** The server's origin, kept to replay its URLs after it has stopped. */
    String origin;

    @BeforeEach
    void start() {
        file = directory.resolve("cassettes/api.json");
        server = TestServer.start();
        origin = server.url("/").replaceFirst("/$", "");
    }

    private String url(String path) {
        return origin + path;
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static ClientSession sessionThrough(Cassette cassette) {
        return ClientSession.builder()
                .addNetworkInterceptor(cassette.interceptor())
                .sensitiveHeaders("X-Api-Key")
                .raiseForStatus(false)
                .build();
    }

    private void record(Cassette.Builder builder, String... paths) {
        try (Cassette cassette = builder.mode(Cassette.Mode.RECORD).open();
                ClientSession session = sessionThrough(cassette)) {
            for (String path : paths) {
                server.enqueue(MockResponse.builder()
                        .header("Content-Type", "application/json")
                        .body("{\"path\":\"" + path + "\"}")
                        .build());
                session.get(url(path)).send();
            }
        }
    }

    @Test
    void recordedExchangesReplayWithTheServerStopped() {
        String url = url("/users?page=2");
        try (Cassette cassette = Cassette.open(file, Cassette.Mode.RECORD);
                ClientSession session = sessionThrough(cassette)) {
            server.enqueue(MockResponse.builder()
                    .status(201)
                    .header("Content-Type", "application/json")
                    .header("X-Request-Id", "r-1")
                    .body("{\"id\":7}")
                    .build());
            server.enqueue(MockResponse.builder()
                    .header("Content-Type", "application/json")
                    .body("[{\"id\":7}]")
                    .build());
            session.post(url).json(Map.of("name", "ada")).send();
            session.get(url).send();
        }
        server.close();

        try (Cassette cassette = Cassette.open(file, Cassette.Mode.REPLAY);
                ClientSession session = sessionThrough(cassette)) {
            Response created = session.post(url).json(Map.of("name", "ada")).send();
            Response listed = session.get(url).send();

            assertThat(created.status()).isEqualTo(201);
            assertThat(created.headers().get("X-Request-Id")).isEqualTo("r-1");
            assertThat(created.json().get("id").asInt()).isEqualTo(7);
            assertThat(listed.text()).isEqualTo("[{\"id\":7}]");
            assertThat(cassette.size()).isEqualTo(2);
        }
    }

    @Test
    void secretsAreWrittenRedactedAndTheRestAsReadableText() throws IOException {
        server.enqueue(MockResponse.builder()
                .header("Set-Cookie", "session=cookie-secret")
                .header("X-Token", "response-secret")
                .body("plain body")
                .build());
        try (Cassette cassette = Cassette.builder(file)
                        .mode(Cassette.Mode.RECORD)
                        .redactHeaders("X-Token", "x-custom-secret")
                        .redactQueryParameters("api_key")
                        .open();
                ClientSession session = sessionThrough(cassette)) {
            session.get(url("/data?api_key=query-secret&page=1"))
                    .bearerAuth("bearer-secret")
                    .header("Cookie", "c=cookie-header-secret")
                    .header("X-Api-Key", "session-secret")
                    .header("X-Custom-Secret", "custom-secret")
                    .header("Proxy-Authorization", "proxy-secret")
                    .send();
        }

        String written = Files.readString(file);
        assertThat(written)
                .doesNotContain(
                        "query-secret",
                        "bearer-secret",
                        "cookie-header-secret",
                        "session-secret",
                        "custom-secret",
                        "proxy-secret",
                        "cookie-secret",
                        "response-secret");
        assertThat(written)
                .contains(
                        "/data?api_key=REDACTED&page=1",
                        "\"Authorization\" : [ \"REDACTED\" ]",
                        "\"X-Api-Key\" : [ \"REDACTED\" ]",
                        "\"Set-Cookie\" : [ \"REDACTED\" ]",
                        "\"X-Token\" : [ \"REDACTED\" ]",
                        "\"text\" : \"plain body\"");
    }

    @Test
    void aRedactedQueryParameterStillMatchesWhateverItsValue() {
        record(Cassette.builder(file).redactQueryParameters("api_key"), "/data?api_key=first");
        server.close();

        try (Cassette cassette = Cassette.open(file, Cassette.Mode.REPLAY);
                ClientSession session = sessionThrough(cassette)) {
            // The file only knows REDACTED: the replaying side redacts as the recording side did.
            assertThatThrownBy(() -> session.get(url("/data?api_key=first")).send())
                    .isInstanceOf(CassetteMismatchException.class)
                    .hasMessageContaining("/data?api_key=first")
                    .hasMessageContaining("/data?api_key=REDACTED");
        }
        try (Cassette cassette = Cassette.builder(file)
                        .mode(Cassette.Mode.REPLAY)
                        .redactQueryParameters("api_key")
                        .open();
                ClientSession session = sessionThrough(cassette)) {
            assertThat(session.get(url("/data?api_key=other")).send().text()).contains("/data");
        }
    }

    @Test
    void binaryBodiesAreWrittenAsBase64AndReplayedByteForByte() throws IOException {
        byte[] binary = {(byte) 0xff, 0, (byte) 0xc3, 0x28, 7};
        server.enqueue(MockResponse.builder()
                .header("Content-Type", "application/octet-stream")
                .body(binary)
                .build());
        try (Cassette cassette = Cassette.open(file, Cassette.Mode.RECORD);
                ClientSession session = sessionThrough(cassette)) {
            session.post(url("/upload")).body(Body.of(binary)).send();
        }
        server.close();

        assertThat(Files.readString(file)).contains("\"base64\" : \"/wDDKAc=\"");
        try (Cassette cassette = Cassette.open(file, Cassette.Mode.REPLAY);
                ClientSession session = sessionThrough(cassette)) {
            assertThat(session.post(url("/upload")).body(Body.of(binary)).send().bytes())
                    .isEqualTo(binary);
        }
    }

    @Test
    void aRequestNothingMatchesFailsNamingItAndListingTheRecordings() {
        record(Cassette.builder(file), "/a", "/b");

        try (Cassette cassette = Cassette.open(file, Cassette.Mode.REPLAY);
                ClientSession session = sessionThrough(cassette)) {
            assertThatThrownBy(() -> session.get(url("/c?x=1")).send())
                    .isInstanceOf(CassetteMismatchException.class)
                    .hasMessageStartingWith("no interaction in cassette " + file + " matches GET " + url("/c?x=1")
                            + " (matching on method, URL, body); it holds")
                    .hasMessageContaining("\n  GET " + url("/a") + "\n  GET " + url("/b"));
            assertThatThrownBy(() -> session.post(url("/a")).send())
                    .isInstanceOf(CassetteMismatchException.class)
                    .hasMessageContaining("matches POST");
        }
    }

    @Test
    void requestsMatchOnTheChosenHeadersAndOnTheBodyUnlessTurnedOff() {
        try (Cassette cassette = Cassette.builder(file)
                        .mode(Cassette.Mode.RECORD)
                        .matchHeaders("Accept")
                        .open();
                ClientSession session = sessionThrough(cassette)) {
            for (String body : new String[] {"one", "two"}) {
                server.enqueue(MockResponse.ok("answer to " + body));
                session.post(url("/echo"))
                        .header("Accept", "text/plain")
                        .body(Body.of(body))
                        .send();
            }
        }
        server.close();

        try (Cassette cassette = Cassette.builder(file)
                        .mode(Cassette.Mode.REPLAY)
                        .matchHeaders("Accept")
                        .open();
                ClientSession session = sessionThrough(cassette)) {
            assertThat(session.post(url("/echo"))
                            .header("Accept", "text/plain")
                            .body(Body.of("two"))
                            .send()
                            .text())
                    .isEqualTo("answer to two");
            assertThat(session.post(url("/echo"))
                            .header("Accept", "text/plain")
                            .body(Body.of("one"))
                            .send()
                            .text())
                    .isEqualTo("answer to one");
            assertThatThrownBy(() -> session.post(url("/echo"))
                            .header("Accept", "text/html")
                            .body(Body.of("one"))
                            .send())
                    .isInstanceOf(CassetteMismatchException.class)
                    .hasMessageContaining("headers [Accept], body");
            assertThatThrownBy(() -> session.post(url("/echo"))
                            .header("Accept", "text/plain")
                            .body(Body.of("three"))
                            .send())
                    .isInstanceOf(CassetteMismatchException.class);
        }
        try (Cassette cassette = Cassette.builder(file)
                        .mode(Cassette.Mode.REPLAY)
                        .matchBody(false)
                        .open();
                ClientSession session = sessionThrough(cassette)) {
            assertThat(session.post(url("/echo")).body(Body.of("three")).send().text())
                    .isEqualTo("answer to one");
        }
    }

    @Test
    void repeatedRequestsReplayInRecordedOrderThenRepeatTheLast() {
        try (Cassette cassette = Cassette.open(file, Cassette.Mode.RECORD);
                ClientSession session = sessionThrough(cassette)) {
            server.enqueue(MockResponse.ok("pending"));
            server.enqueue(MockResponse.ok("done"));
            session.get(url("/job")).send();
            session.get(url("/job")).send();
        }
        server.close();

        try (Cassette cassette = Cassette.open(file, Cassette.Mode.REPLAY);
                ClientSession session = sessionThrough(cassette)) {
            assertThat(session.get(url("/job")).send().text()).isEqualTo("pending");
            assertThat(session.get(url("/job")).send().text()).isEqualTo("done");
            assertThat(session.get(url("/job")).send().text()).isEqualTo("done");
        }
    }

    @Test
    void recordNewReplaysWhatItHoldsAndRecordsOnlyWhatItLacks() {
        record(Cassette.builder(file), "/known");

        try (Cassette cassette = Cassette.open(file, Cassette.Mode.RECORD_NEW);
                ClientSession session = sessionThrough(cassette)) {
            assertThat(session.get(url("/known")).send().text()).contains("/known");
            server.enqueue(MockResponse.ok("new"));
            assertThat(session.get(url("/new")).send().text()).isEqualTo("new");
        }

        assertThat(server.requestCount()).isEqualTo(2);
        assertThat(Cassette.open(file, Cassette.Mode.REPLAY).size()).isEqualTo(2);
    }

    @Test
    void passthroughNeitherReplaysNorRecords() {
        record(Cassette.builder(file), "/known");

        try (Cassette cassette = Cassette.open(file, Cassette.Mode.PASSTHROUGH);
                ClientSession session = sessionThrough(cassette)) {
            server.enqueue(MockResponse.ok("live"));
            assertThat(session.get(url("/known")).send().text()).isEqualTo("live");
        }

        assertThat(Cassette.open(file, Cassette.Mode.REPLAY).size()).isEqualTo(1);
    }

    @Test
    void aOneShotBodyIsNotReadAndMatchesAnyBody() {
        try (Cassette cassette = Cassette.open(file, Cassette.Mode.RECORD);
                ClientSession session = sessionThrough(cassette)) {
            server.enqueue(MockResponse.ok("stored"));
            session.put(url("/blob"))
                    .body(Body.of(
                            new ByteArrayInputStream("streamed".getBytes(StandardCharsets.UTF_8)),
                            MediaType.parse("text/plain")))
                    .send();
            assertThat(server.takeRequest().bodyUtf8()).isEqualTo("streamed");
        }
        server.close();

        try (Cassette cassette = Cassette.open(file, Cassette.Mode.REPLAY);
                ClientSession session = sessionThrough(cassette)) {
            assertThat(session.put(url("/blob")).body(Body.of("other")).send().text())
                    .isEqualTo("stored");
        }
    }

    @Test
    void replayingAMissingCassetteFailsNamingTheFile() {
        assertThatThrownBy(() -> Cassette.open(file, Cassette.Mode.REPLAY))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("cassette " + file + " does not exist: record it first (Mode.RECORD or Mode.RECORD_NEW)");
    }
}
