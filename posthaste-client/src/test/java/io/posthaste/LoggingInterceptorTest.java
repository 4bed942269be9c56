package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posthaste.LoggingInterceptor.Level;
import io.posthaste.testing.MockResponse;
import io.posthaste.testing.RecordedRequest;
import io.posthaste.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LoggingInterceptorTest {

    private TestServer server;
    private final RecordingLogger logger = new RecordingLogger(true);

    @BeforeEach
    void startServer() {
        server = TestServer.start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private ClientSession session(LoggingInterceptor.Builder logging) {
        return ClientSession.builder()
                .sensitiveHeaders("X-Api-Key")
                .addInterceptor(logging.logger(logger).build())
                .build();
    }

    @Test
    void basicLogsTheRequestLineAndTheStatusTimeAndSizeButNoHeaders() {
        server.enqueue(MockResponse.builder().status(201).body("created").build());
        try (ClientSession session = session(LoggingInterceptor.builder().level(Level.BASIC))) {
            session.post(server.url("/items"))
                    .header("X-Trace", "abc")
                    .body("{\"a\":1}", "application/json")
                    .send();
        }
        assertThat(logger.records).hasSize(2);
        assertThat(logger.records.get(0)).isEqualTo("--> POST " + server.url("/items") + " (7-byte body)");
        assertThat(logger.records.get(1))
                .matches("<-- 201 Created " + java.util.regex.Pattern.quote(server.url("/items"))
                        + " \\(\\d+ms, 7-byte body\\)");
        assertThat(String.join("\n", logger.records)).doesNotContain("X-Trace", "{\"a\":1}");
    }

    @Test
    void headersHideCredentialsTheSessionsSensitiveHeadersAndTheNamedOnes() {
        server.enqueue(MockResponse.builder()
                .header("Set-Cookie", "sid=server-secret")
                .header("X-Session-Token", "response-secret")
                .header("X-Shown", "visible")
                .body("")
                .build());
        try (ClientSession session =
                session(LoggingInterceptor.builder().level(Level.HEADERS).redactHeader("x-session-token"))) {
            session.get(server.url("/get"))
                    .bearerAuth("bearer-secret")
                    .header("Cookie", "c=cookie-secret")
                    .header("Proxy-Authorization", "Basic proxy-secret")
                    .header("X-API-KEY", "key-secret")
                    .header("X-Session-Token", "request-secret")
                    .header("X-Trace", "abc")
                    .send();
        }
        String log = String.join("\n", logger.records);
        assertThat(log)
                .contains(
                        "Authorization: ██",
                        "Cookie: ██",
                        "Proxy-Authorization: ██",
                        "X-API-KEY: ██",
                        "X-Session-Token: ██",
                        "Set-Cookie: ██",
                        "X-Trace: abc",
                        "X-Shown: visible",
                        "--> END GET",
                        "<-- END HTTP");
        assertThat(log)
                .doesNotContain(
                        "bearer-secret",
                        "cookie-secret",
                        "proxy-secret",
                        "key-secret",
                        "request-secret",
                        "server-secret",
                        "response-secret");
    }

    @Test
    void namedQueryParametersAndFormFieldsAreHiddenWhereverTheyAppear() {
        // Not the echo route: a body that repeats the secrets is the server's to keep quiet.
        server.enqueue(MockResponse.ok("done"));
        try (ClientSession session =
                session(LoggingInterceptor.builder().level(Level.BODY).redactQueryParameter("token", "Password"))) {
            session.post(server.url("/post?token=query-secret&page=2"))
                    .query("TOKEN", "second-secret")
                    .form(Map.of("password", "form-secret"))
                    .send();
        }
        String log = String.join("\n", logger.records);
        assertThat(log).contains("/post?token=██&page=2&TOKEN=██", "password=██");
        assertThat(log).doesNotContain("query-secret", "second-secret", "form-secret");
    }

    @Test
    void bodyPrintsInMemoryBodiesUpToTheCapAndSaysHowMuchWasLeftOut() {
        server.enqueue(MockResponse.builder()
                .header("Content-Type", "text/plain; charset=utf-8")
                .body("0123456789abcdef")
                .build());
        try (ClientSession session =
                session(LoggingInterceptor.builder().level(Level.BODY).maxBodyBytes(10))) {
            session.post(server.url("/post"))
                    .json(Map.of("name", "a-rather-long-value"))
                    .send();
        }
        assertThat(logger.records.get(0)).contains("\n{\"name\":\"a… (", " more bytes)");
        assertThat(logger.records.get(1)).contains("\n0123456789… (6 more bytes)", "<-- END HTTP (16-byte body)");
    }

    @Test
    void bodyNeverReadsAOneShotRequestStreamNorAStreamedResponse() throws Exception {
        byte[] upload = "streamed upload".getBytes(StandardCharsets.UTF_8);
        server.enqueue(MockResponse.ok("streamed download"));
        try (ClientSession session = session(LoggingInterceptor.builder().level(Level.BODY))) {
            try (StreamingResponse response =
                    session.post(server.url("/upload")).body(new ByteArrayInputStream(upload), "text/plain").stream()) {
                assertThat(new String(response.body().readAllBytes(), StandardCharsets.UTF_8))
                        .isEqualTo("streamed download");
            }
        }
        RecordedRequest received = server.takeRequest();
        assertThat(received.bodyUtf8()).isEqualTo("streamed upload");
        String log = String.join("\n", logger.records);
        assertThat(log).contains("(one-shot body not logged)", "(streamed body not logged");
        assertThat(log).doesNotContain("streamed upload", "streamed download");
    }

    @Test
    void binaryBodiesAreDescribedNotPrinted() {
        server.enqueue(MockResponse.builder()
                .header("Content-Type", "application/octet-stream")
                .body(new byte[] {0, 1, 2, 3})
                .build());
        try (ClientSession session = session(LoggingInterceptor.builder().level(Level.BODY))) {
            session.put(server.url("/put"))
                    .body(new byte[] {9, 8, 7}, "image/png")
                    .send();
        }
        assertThat(logger.records.get(0)).contains("(binary 3-byte body omitted)");
        assertThat(logger.records.get(1)).contains("(binary 4-byte body omitted)");
    }

    @Test
    void aFailedCallIsLoggedWithItsTypeAndMessageWithoutTheHiddenQueryValues() {
        String url = server.url("/get?token=query-secret");
        server.close();
        try (ClientSession session = session(LoggingInterceptor.builder().redactQueryParameter("token"))) {
            assertThatThrownBy(() -> session.get(url).send()).isInstanceOf(ClientConnectionException.class);
        }
        assertThat(logger.records).hasSize(2);
        assertThat(logger.records.get(1))
                .startsWith("<-- HTTP FAILED: ClientConnectionException: ")
                .doesNotContain("query-secret");
    }

    @Test
    void asANetworkInterceptorItLogsEveryRedirectHop() {
        try (ClientSession session = ClientSession.builder()
                .addNetworkInterceptor(
                        LoggingInterceptor.builder().logger(logger).build())
                .build()) {
            session.get(server.url("/redirect/2")).send();
        }
        assertThat(logger.records)
                .filteredOn(line -> line.startsWith("<-- 302"))
                .hasSize(2);
        assertThat(logger.records)
                .filteredOn(line -> line.startsWith("<-- 200"))
                .hasSize(1);
    }

    @Test
    void noneOrALoggerThatDropsTheLevelFormatsNothing() {
        RecordingLogger quiet = new RecordingLogger(false);
        try (ClientSession session = ClientSession.builder()
                .addInterceptor(LoggingInterceptor.builder()
                        .level(Level.BODY)
                        .logger(quiet)
                        .build())
                .addInterceptor(LoggingInterceptor.builder()
                        .level(Level.NONE)
                        .logger(logger)
                        .build())
                .build()) {
            assertThat(session.get(server.url("/get")).send().status()).isEqualTo(200);
        }
        assertThat(quiet.records).isEmpty();
        assertThat(quiet.asked).isPositive();
        assertThat(logger.records).isEmpty();
    }

    /** Keeps every record; {@code enabled} answers {@link #isLoggable}. */
    static final class RecordingLogger implements System.Logger {
        final List<String> records = new CopyOnWriteArrayList<>();
        final boolean enabled;
        volatile int asked;

        RecordingLogger(boolean enabled) {
            this.enabled = enabled;
        }

        @Override
        public String getName() {
            return "test";
        }

        @Override
        public boolean isLoggable(Level level) {
            asked++;
            return enabled;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
            records.add(message);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            records.add(format);
        }
    }
}
