package io.posthaste.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.posthaste.ClientResponseException;
import io.posthaste.ClientSession;
import io.posthaste.ClientTimeoutException;
import io.posthaste.CookieJar;
import io.posthaste.Response;
import io.posthaste.StreamingResponse;
import io.posthaste.Timeouts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The httpbin contract the client relies on, written once and run against two servers: the
 * embedded {@code TestServer}'s echo routes ({@link TestServerHttpbinTest}) and real httpbin 0.7.0
 * under gunicorn ({@link GunicornHttpbinTest}). A test passing on both proves two things at once:
 * the client works with the real httpbin, and TestServer (which the rest of the suite trusts) is a
 * faithful stand-in for it. Where the two servers differ in a detail, only the shared contract is
 * asserted and a comment says what differs.
 *
 * <p>Each test gets a fresh session (its own pool and cookie jar); the jar keeps cookies from IP
 * hosts because both servers live on 127.0.0.1.
 */
abstract class HttpbinContract {

    static final Map<String, String> DATA = Map.of("key1", "value1", "key2", "value2");

    ClientSession session;

    /** Returns the server's URL for {@code path}, e.g. {@code http://127.0.0.1:1234/get}. */
    abstract String url(String path);

    @BeforeEach
    void openSession() {
        session = ClientSession.builder()
                .cookieJar(CookieJar.inMemoryAllowingIpHosts())
                .build();
    }

    @AfterEach
    void closeSession() {
        session.close();
    }

    @Test
    void getSendsQueryArgumentsAndCustomHeaders() {
        JsonNode seen = session.get(url("/get"))
                .query("q", "posthaste client")
                .query("page", "2")
                .header("X-Custom", "custom-value")
                .send()
                .json();

        assertThat(seen.at("/args/q").asText()).isEqualTo("posthaste client");
        assertThat(seen.at("/args/page").asText()).isEqualTo("2");
        assertThat(seen.at("/headers/X-Custom").asText()).isEqualTo("custom-value");
        assertThat(seen.at("/url").asText()).startsWith(url("/get?"));
    }

    @Test
    void postJsonArrivesAsJsonWithItsContentType() {
        JsonNode seen = session.post(url("/post")).json(DATA).send().json();

        assertThat(seen.get("json")).isEqualTo(HttpbinJson.object(DATA));
        assertThat(seen.at("/headers/Content-Type").asText()).isEqualTo("application/json");
        assertThat(seen.get("form")).isEmpty();
        assertThat(seen.get("files")).isEmpty();
    }

    @Test
    void postFormArrivesAsFormFields() {
        JsonNode seen = session.post(url("/post"))
                .form(Map.of("username", "john", "password", "1 2&3"))
                .send()
                .json();

        assertThat(seen.get("form")).isEqualTo(HttpbinJson.object(Map.of("username", "john", "password", "1 2&3")));
        assertThat(seen.at("/headers/Content-Type").asText()).isEqualTo("application/x-www-form-urlencoded");
        assertThat(seen.get("json").isNull()).isTrue();
    }

    @Test
    void postMultipartCarriesFieldsAndFilesTogether(@TempDir Path dir) throws IOException {
        Path notes = Files.writeString(dir.resolve("notes.txt"), "plain text notes\n");
        Path binary = Files.write(dir.resolve("blob.bin"), new byte[] {0, 1, 2, (byte) 0xff});

        JsonNode seen = session.post(url("/post"))
                .formField("title", "interop")
                .file("notes", notes)
                .file("blob", binary)
                .send()
                .json();

        assertThat(seen.at("/form/title").asText()).isEqualTo("interop");
        // Both servers show a UTF-8 file as its text and any other file as a data: URL.
        assertThat(seen.at("/files/notes").asText()).isEqualTo("plain text notes\n");
        assertThat(seen.at("/files/blob").asText()).isEqualTo("data:application/octet-stream;base64,AAEC/w==");
        assertThat(seen.at("/headers/Content-Type").asText()).startsWith("multipart/form-data; boundary=");
    }

    @Test
    void postRawBodyArrivesAsDataWithExactLength() {
        JsonNode seen = session.post(url("/post"))
                .body("raw text, not a form", "text/plain")
                .send()
                .json();

        assertThat(seen.get("data").asText()).isEqualTo("raw text, not a form");
        assertThat(seen.at("/headers/Content-Length").asText()).isEqualTo("20");
        assertThat(seen.at("/headers/Content-Type").asText()).startsWith("text/plain");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PUT", "PATCH", "DELETE"})
    void otherMethodsReachTheirOwnRouteAndAnything(String method) {
        String route = "/" + method.toLowerCase(java.util.Locale.ROOT);

        JsonNode own = session.request(method, url(route)).json(DATA).send().json();
        JsonNode anything =
                session.request(method, url("/anything/x")).json(DATA).send().json();

        assertThat(own.get("json")).isEqualTo(HttpbinJson.object(DATA));
        assertThat(anything.get("method").asText()).isEqualTo(method);
        assertThat(anything.get("json")).isEqualTo(HttpbinJson.object(DATA));
        assertThat(anything.get("url").asText()).isEqualTo(url("/anything/x"));
    }

    @Test
    void headAnswersWithHeadersAndNoBody() {
        Response response = session.head(url("/get")).send();

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.bytes()).isEmpty();
        assertThat(response.headers().get("Content-Type")).startsWith("application/json");
        // The pool got the connection back: a HEAD answer has no body to wait for.
        assertThat(session.get(url("/get")).send().status()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 404, 418, 422, 500, 503})
    void errorStatusRaisesClientResponseException(int status) {
        assertThatThrownBy(() -> session.get(url("/status/" + status)).send())
                .isInstanceOfSatisfying(ClientResponseException.class, e -> {
                    assertThat(e.status()).isEqualTo(status);
                    assertThat(e.method()).isEqualTo("GET");
                    assertThat(e.url()).endsWith("/status/" + status);
                });
    }

    @ParameterizedTest
    @ValueSource(ints = {404, 500})
    void errorStatusIsReturnedWhenRaisingIsOff(int status) {
        Response response = session.post(url("/status/" + status))
                .json(DATA)
                .raiseForStatus(false)
                .send();

        assertThat(response.status()).isEqualTo(status);
        assertThat(response.isSuccessful()).isFalse();
    }

    @Test
    void headersRouteSeesEveryHeaderSent() {
        JsonNode headers = session.get(url("/headers"))
                .header("X-Auth-Token", "secret-token")
                .send()
                .json()
                .get("headers");

        assertThat(headers.get("X-Auth-Token").asText()).isEqualTo("secret-token");
        assertThat(headers.get("Accept").asText()).isEqualTo("*/*");
        assertThat(headers.get("Accept-Encoding").asText())
                .isEqualTo(String.join(", ", ClientSession.contentCodings()));
        assertThat(headers.get("Host").asText()).isEqualTo(url("").substring("http://".length()));
    }

    @Test
    void userAgentRouteSeesPosthastesUserAgent() {
        JsonNode seen = session.get(url("/user-agent")).send().json();

        assertThat(seen.get("user-agent").asText()).isEqualTo("posthaste/" + ClientSession.VERSION);
    }

    @Test
    void gzipAndDeflateBodiesAreDecoded() {
        JsonNode gzip = session.get(url("/gzip")).send().json();
        JsonNode deflate = session.get(url("/deflate")).send().json();

        assertThat(gzip.get("gzipped").asBoolean()).isTrue();
        assertThat(gzip.at("/headers/Accept-Encoding").asText()).contains("gzip");
        assertThat(deflate.get("deflated").asBoolean()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/redirect/3", "/relative-redirect/3", "/absolute-redirect/3"})
    void redirectsAreFollowedToTheEndWithHistory(String path) {
        Response response = session.get(url(path)).send();

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.url().toString()).isEqualTo(url("/get"));
        assertThat(response.history())
                .hasSize(3)
                .allSatisfy(hop -> assertThat(hop.status()).isEqualTo(302));
    }

    @Test
    void redirectWith307ResendsThePostBody() {
        Response response = session.post(url("/redirect-to"))
                .query("url", "/post")
                .query("status_code", "307")
                .json(DATA)
                .send();

        assertThat(response.history())
                .singleElement()
                .satisfies(hop -> assertThat(hop.status()).isEqualTo(307));
        assertThat(response.json().get("json")).isEqualTo(HttpbinJson.object(DATA));
    }

    @Test
    void cookiesSetByTheServerAreSentBack() {
        JsonNode afterSet = session.get(url("/cookies/set"))
                .query("flavour", "oat")
                .query("batch", "7")
                .send()
                .json();
        JsonNode later = session.get(url("/cookies")).send().json();

        // /cookies/set answers 302 to /cookies, so the first call already shows the jar at work.
        assertThat(afterSet.at("/cookies/flavour").asText()).isEqualTo("oat");
        assertThat(later.at("/cookies/flavour").asText()).isEqualTo("oat");
        assertThat(later.at("/cookies/batch").asText()).isEqualTo("7");
        assertThat(session.cookieJar().all())
                .extracting(io.posthaste.Cookie::name)
                .contains("flavour", "batch");
    }

    @Test
    void basicAuthIsAcceptedAndWrongPasswordRaises401() {
        JsonNode ok = session.get(url("/basic-auth/alice/s3cret"))
                .basicAuth("alice", "s3cret")
                .send()
                .json();

        assertThat(ok.get("authenticated").asBoolean()).isTrue();
        assertThat(ok.get("user").asText()).isEqualTo("alice");
        assertThatThrownBy(() -> session.get(url("/basic-auth/alice/s3cret"))
                        .basicAuth("alice", "wrong")
                        .send())
                .isInstanceOfSatisfying(
                        ClientResponseException.class,
                        e -> assertThat(e.status()).isEqualTo(401));
    }

    @Test
    void bearerTokenIsAcceptedAndMissingTokenRaises401() {
        JsonNode ok = session.get(url("/bearer")).bearerAuth("tok-123").send().json();

        assertThat(ok.get("authenticated").asBoolean()).isTrue();
        assertThat(ok.get("token").asText()).isEqualTo("tok-123");
        assertThatThrownBy(() -> session.get(url("/bearer")).send())
                .isInstanceOfSatisfying(
                        ClientResponseException.class,
                        e -> assertThat(e.status()).isEqualTo(401));
    }

    @Test
    void bytesRouteReturnsExactlyTheBytesAsked() {
        Response response = session.get(url("/bytes/4096")).query("seed", "42").send();

        assertThat(response.bytes()).hasSize(4096);
        assertThat(response.headers().get("Content-Type")).isEqualTo("application/octet-stream");
    }

    @Test
    void streamRouteDeliversOneJsonObjectPerLine() throws IOException {
        List<String> lines = new ArrayList<>();
        try (StreamingResponse response = session.get(url("/stream/5")).stream();
                BufferedReader reader =
                        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null && lines.size() < 10; line = reader.readLine()) {
                lines.add(line);
            }
        }

        assertThat(lines).hasSize(5);
        for (int i = 0; i < 5; i++) {
            assertThat(HttpbinJson.parse(lines.get(i)).get("id").asInt()).isEqualTo(i);
        }
    }

    @Test
    void streamBytesArriveCompleteWhenReadAsAStream() throws IOException, InterruptedException {
        byte[] body;
        try (StreamingResponse response =
                session.get(url("/stream-bytes/50000")).query("chunk_size", "1000").query("seed", "7").stream()) {
            body = response.body().readAllBytes();
        }

        assertThat(body).hasSize(50_000);
        assertThat(Pools.settled(session).leased()).isZero();
    }

    @Test
    void dripDeliversSlowBytesBeforeTheReadTimeout() {
        Response response = session.get(url("/drip"))
                .query("numbytes", "5")
                .query("duration", "0.5")
                .timeouts(Timeouts.builder().read(Duration.ofSeconds(5)).build())
                .send();

        assertThat(response.text()).isEqualTo("*****");
    }

    @Test
    void delayLongerThanTheReadTimeoutRaisesClientTimeoutException() {
        Timeouts shortRead = Timeouts.builder().read(Duration.ofMillis(400)).build();

        assertThatThrownBy(
                        () -> session.get(url("/delay/2")).timeouts(shortRead).send())
                .isInstanceOfSatisfying(
                        ClientTimeoutException.class,
                        e -> assertThat(e.phase()).isEqualTo(ClientTimeoutException.Phase.READ));
        // The timed-out connection is discarded, not handed to the next request.
        assertThat(session.get(url("/get")).send().status()).isEqualTo(200);
    }

    @Test
    void responseHeadersRouteSetsTheHeadersAsked() {
        Response response = session.get(url("/response-headers"))
                .query("X-Interop", "yes")
                .query("Cache-Control", "no-store")
                .send();

        assertThat(response.headers().get("X-Interop")).isEqualTo("yes");
        assertThat(response.headers().get("Cache-Control")).isEqualTo("no-store");
        assertThat(response.json().get("X-Interop").asText()).isEqualTo("yes");
    }
}
