package io.posthaste.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.posthaste.ClientResponseException;
import io.posthaste.ClientSession;
import io.posthaste.Response;
import io.posthaste.StreamingResponse;
import io.posthaste.examples.BlogExamples;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the client must do over HTTP/2 against a real server running the ASGI echo app
 * ({@code src/test/resources/hypercorn/echo_asgi.py}, httpbin's shape): the blog's five examples
 * ({@link BlogExamples}, unchanged) and the async one, a large download read slowly (only the
 * client's WINDOW_UPDATEs, sent as the reader consumes, let it finish), and an upload of unknown
 * length. Every answer must have come over HTTP/2 ({@link Response#version()}).
 *
 * <p>Written once, run per server ({@link HypercornHttp2Test}, {@link NginxHttp2Test}) and per
 * {@link Transport}: TLS offering {@code HTTP_2, HTTP_1_1} by ALPN, and cleartext h2c with
 * {@code H2_PRIOR_KNOWLEDGE}. Each test gets a fresh session.
 */
abstract class Http2EchoContract {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final long DOWNLOAD = 16L * 1024 * 1024 + 5;

    final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    @TempDir
    Path workDir;

    /** Returns the server under test. */
    abstract Http2Server server();

    @ParameterizedTest
    @EnumSource(Transport.class)
    void jsonExampleArrivesAsTheSameJsonOverHttp2(Transport transport) {
        try (ClientSession session = transport.open(server())) {
            Response response = examples(session, transport).postJson();

            assertThat(response.version()).isEqualTo("HTTP/2");
            JsonNode seen = response.json();
            assertThat(seen.get("json")).isEqualTo(MAPPER.valueToTree(BlogExamples.DATA));
            assertThat(seen.at("/headers/Content-Type").asText()).isEqualTo("application/json");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void formExampleIsParsedIntoTheSameFieldsOverHttp2(Transport transport) {
        try (ClientSession session = transport.open(server())) {
            Response response = examples(session, transport).postForm();

            assertThat(response.version()).isEqualTo("HTTP/2");
            assertThat(response.json().get("form")).isEqualTo(MAPPER.valueToTree(BlogExamples.LOGIN));
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void fileExampleUploadsEveryByteOfThePartOverHttp2(Transport transport) {
        try (ClientSession session = transport.open(server())) {
            Response response = examples(session, transport).uploadFile();

            assertThat(response.version()).isEqualTo("HTTP/2");
            assertThat(response.json().at("/files/upload_file").asText())
                    .isEqualTo("data:application/pdf;base64,"
                            + Base64.getEncoder().encodeToString(BlogExamples.reportPdfBytes()));
            assertThat(response.json().at("/headers/Content-Type").asText())
                    .startsWith("multipart/form-data; boundary=");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void headersExampleSendsTheCustomHeaderOverHttp2(Transport transport) {
        try (ClientSession session = transport.open(server())) {
            Response response = examples(session, transport).getWithHeaders();

            assertThat(response.version()).isEqualTo("HTTP/2");
            assertThat(response.json().at("/headers/X-Auth-Token").asText()).isEqualTo("secret-token");
            assertThat(printed.toString(StandardCharsets.UTF_8)).contains("\"X-Auth-Token\":\"secret-token\"");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void errorExampleRaisesTheStatusOverHttp2(Transport transport) {
        try (ClientSession session = transport.open(server())) {
            ClientResponseException e =
                    examples(session, transport).createWithError().orElseThrow();
            Response unraised = session.post(transport.url(server(), "/status/422"))
                    .json(BlogExamples.DATA)
                    .raiseForStatus(false)
                    .send();

            assertThat(e.status()).isEqualTo(422);
            assertThat(unraised.status()).isEqualTo(422);
            assertThat(unraised.version()).isEqualTo("HTTP/2");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void asyncExampleGetsTheSameEchoOverHttp2(Transport transport) throws Exception {
        try (ClientSession session = transport.open(server())) {
            Response response = examples(session, transport).postJsonAsync().get(10, TimeUnit.SECONDS);

            assertThat(response.version()).isEqualTo("HTTP/2");
            assertThat(response.json().get("json")).isEqualTo(MAPPER.valueToTree(BlogExamples.DATA));
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void largeDownloadReadSlowlyArrivesIntact(Transport transport) throws Exception {
        String expected;
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        long read = 0;
        try (ClientSession session = transport.open(server());
                StreamingResponse response = session
                        .get(transport.url(server(), "/download"))
                        .query("bytes", String.valueOf(DOWNLOAD))
                        .query("seed", "14")
                        .stream();
                InputStream body = response.body()) {
            assertThat(response.version()).isEqualTo("HTTP/2");
            expected = response.headers().get("X-Content-SHA256");
            read = SlowReader.digest(body, digest);
        }

        assertThat(read).isEqualTo(DOWNLOAD);
        assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(expected);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void streamedUploadOfUnknownLengthArrivesIntact(Transport transport) {
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new SplittableRandom(14).nextBytes(data);

        try (ClientSession session = transport.open(server())) {
            Response response = session.post(transport.url(server(), "/upload"))
                    .body(new ByteArrayInputStream(data), "application/octet-stream")
                    .send();

            assertThat(response.version()).isEqualTo("HTTP/2");
            JsonNode seen = response.json();
            assertThat(seen.get("bytes").asLong()).isEqualTo(data.length);
            assertThat(seen.get("sha256").asText()).isEqualTo(TestFiles.sha256(data));
        }
    }

    private BlogExamples examples(ClientSession session, Transport transport) {
        BlogExamples.writeReportPdf(workDir);
        return new BlogExamples(
                session, transport.url(server(), "/"), workDir, new PrintStream(printed, true, StandardCharsets.UTF_8));
    }
}
