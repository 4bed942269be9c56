package io.posthaste.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.posthaste.ClientResponseException;
import io.posthaste.ClientSession;
import io.posthaste.Response;
import io.posthaste.testing.Part;
import io.posthaste.testing.RecordedRequest;
import io.posthaste.testing.TestServer;
import io.posthaste.testing.TestServerExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the five blog examples against the embedded {@link TestServer} and checks that the server
 * received what real aiohttp 3.8.4 sent for them (the seed, as echoed by httpbin). Values that
 * legitimately differ between the two clients are not compared: User-Agent, the multipart
 * boundary (and with it the multipart length), the Host port, and JSON whitespace (aiohttp writes
 * {@code ", "} and {@code ": "}, hence its 36-byte body where ours is 33).
 */
class BlogExamplesTest {

    @RegisterExtension
    static final TestServerExtension SERVER = TestServerExtension.perClass();

    static JsonNode seed;
    static ClientSession session;

    @TempDir
    Path workDir;

    final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    BlogExamples examples;

    @BeforeAll
    static void loadSeedAndOpenSession() throws IOException {
        try (InputStream in = BlogExamplesTest.class.getResourceAsStream("/aiohttp-3.8.4-as-seen-by-httpbin.json")) {
            assertThat(in).as("seed resource").isNotNull();
            seed = new ObjectMapper().readTree(in);
        }
        session = ClientSession.create();
    }

    @AfterAll
    static void closeSession() {
        session.close();
    }

    @BeforeEach
    void writeReportAndCreateExamples() {
        BlogExamples.writeReportPdf(workDir);
        examples = new BlogExamples(
                session, SERVER.server().url("/"), workDir, new PrintStream(printed, true, StandardCharsets.UTF_8));
    }

    @Test
    void reportPdfHasTheSeedsBytes() {
        String seedUrl = seed.at("/file/seen/files/upload_file").asText();
        byte[] seedBytes = Base64.getDecoder().decode(seedUrl.substring(seedUrl.indexOf(',') + 1));

        assertThat(BlogExamples.reportPdfBytes()).hasSize(1033).isEqualTo(seedBytes);
    }

    @Test
    void jsonExampleSendsTheSameJsonAndContentTypeAsAiohttp() throws IOException {
        JsonNode expected = seed.at("/json/seen");

        JsonNode seen = examples.postJson().json();

        assertThat(seen.get("json")).isEqualTo(expected.get("json"));
        assertThat(seen.at("/headers/Content-Type")).isEqualTo(expected.at("/headers/Content-Type"));
        assertThat(seen.get("form")).isEqualTo(expected.get("form"));
        assertThat(seen.get("files")).isEqualTo(expected.get("files"));
        RecordedRequest wire = SERVER.server().takeRequest();
        assertThat(wire.method()).isEqualTo("POST");
        assertThat(wire.path()).isEqualTo("/post");
        assertThat(new ObjectMapper().readTree(wire.body()))
                .isEqualTo(new ObjectMapper().readTree(expected.get("data").asText()));
        assertThat(wire.header("Content-Length")).isEqualTo(String.valueOf(wire.bodySize()));
        assertThat(wire.chunked()).isFalse();
    }

    @Test
    void formExampleSendsTheSameFieldsContentTypeAndLengthAsAiohttp() {
        JsonNode expected = seed.at("/form/seen");

        JsonNode seen = examples.postForm().json();

        assertThat(seen.get("form")).isEqualTo(expected.get("form"));
        assertThat(seen.at("/headers/Content-Type").asText())
                .isEqualTo(expected.at("/headers/Content-Type").asText())
                .isEqualTo("application/x-www-form-urlencoded");
        assertThat(seen.at("/headers/Content-Length")).isEqualTo(expected.at("/headers/Content-Length"));
        assertThat(seen.get("json")).isEqualTo(expected.get("json"));
        assertThat(seen.get("files")).isEqualTo(expected.get("files"));
        assertThat(SERVER.server().takeRequest().bodyUtf8()).contains("username=john", "password=1234");
    }

    @Test
    void fileExampleUploadsTheSamePartAndBytesAsAiohttp() {
        JsonNode expected = seed.at("/file/seen");

        JsonNode seen = examples.uploadFile().json();

        assertThat(seen.get("files")).isEqualTo(expected.get("files"));
        assertThat(seen.get("form")).isEqualTo(expected.get("form"));
        assertThat(seen.get("data")).isEqualTo(expected.get("data"));
        assertThat(seen.at("/headers/Content-Type").asText()).startsWith("multipart/form-data; boundary=");
        RecordedRequest wire = SERVER.server().takeRequest();
        assertThat(wire.header("Content-Length")).isEqualTo(String.valueOf(wire.bodySize()));
        assertThat(wire.chunked()).isFalse();
        assertThat(wire.parts()).hasSize(1);
        Part part = wire.parts().get(0);
        assertThat(part.name()).isEqualTo("upload_file");
        assertThat(part.filename()).isEqualTo("report.pdf");
        assertThat(part.mediaType()).isEqualTo("application/pdf");
        assertThat(part.content()).isEqualTo(BlogExamples.reportPdfBytes());
    }

    @Test
    void headersExampleSendsTheAuthTokenAndAiohttpsDefaultHeaders() {
        JsonNode expected = seed.at("/headers/seen/headers");

        Response response = examples.getWithHeaders();

        JsonNode seen = response.json().get("headers");
        assertThat(seen.get("X-Auth-Token")).isEqualTo(expected.get("X-Auth-Token"));
        assertThat(seen.get("Accept")).isEqualTo(expected.get("Accept"));
        // aiohttp 3.8.4 had only zlib, so it offered "gzip, deflate"; both clients offer exactly the
        // decoders they have, and here brotli and zstd load too.
        assertThat(seen.get("Accept-Encoding").asText())
                .startsWith(expected.get("Accept-Encoding").asText())
                .isEqualTo(String.join(", ", io.posthaste.ClientSession.contentCodings()));
        assertThat(seen.at("/Host").asText()).startsWith("127.0.0.1:");
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("\"X-Auth-Token\":\"secret-token\"");
    }

    @Test
    void everyExampleSendsTheSameHeaderNamesAsAiohttp() {
        examples.postJson();
        examples.postForm();
        examples.uploadFile();
        JsonNode headers = examples.getWithHeaders().json();

        assertThat(headerNames(headers.get("headers"))).isEqualTo(headerNames(seed.at("/headers/seen/headers")));
        for (String example : new String[] {"json", "form", "file"}) {
            RecordedRequest wire = SERVER.server().takeRequest();
            Set<String> sent = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
            wire.headers().forEach(h -> sent.add(h.getKey()));
            assertThat(sent).as(example).isEqualTo(headerNames(seed.at("/" + example + "/seen/headers")));
        }
    }

    @Test
    void errorExampleRaisesClientResponseExceptionWith422AndReason() {
        JsonNode expected = seed.get("error");

        ClientResponseException e = examples.createWithError().orElseThrow();

        assertThat(expected.get("raised").asBoolean()).isTrue();
        assertThat(e.status()).isEqualTo(expected.get("status").asInt()).isEqualTo(422);
        assertThat(e.reason())
                .isEqualTo("Unprocessable Entity")
                .isEqualToIgnoringCase(expected.get("message").asText());
        assertThat(e.method()).isEqualTo("POST");
        assertThat(e.url()).endsWith("/status/422");
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("422", "Unprocessable Entity");
    }

    @Test
    void serverErrorsRaiseByDefaultWhereAiohttpDidNot() {
        assertThat(seed.at("/error_default/raised").asBoolean()).isFalse();

        assertThatThrownBy(() -> session.post(SERVER.server().url("/status/500"))
                        .json(BlogExamples.DATA)
                        .send())
                .isInstanceOfSatisfying(
                        ClientResponseException.class,
                        e -> assertThat(e.status()).isEqualTo(500));
        assertThat(session.post(SERVER.server().url("/status/500"))
                        .json(BlogExamples.DATA)
                        .raiseForStatus(false)
                        .send()
                        .status())
                .isEqualTo(seed.at("/error_default/status").asInt());
    }

    @Test
    void asyncExampleCompletesWithTheSameEchoAsTheBlockingOne() throws Exception {
        Response response = examples.postJsonAsync().get(10, TimeUnit.SECONDS);

        assertThat(response.status()).isEqualTo(seed.at("/json/status").asInt());
        assertThat(response.json().get("json")).isEqualTo(seed.at("/json/seen/json"));
        assertThat(response.json().at("/headers/Content-Type")).isEqualTo(seed.at("/json/seen/headers/Content-Type"));
    }

    @Test
    void mainRunsEveryExampleAgainstTheGivenServer() throws IOException {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int before = SERVER.server().requestCount();
        try {
            BlogExamples.main(new String[] {SERVER.server().url("/")});
        } finally {
            System.setOut(original);
        }

        String output = captured.toString(StandardCharsets.UTF_8);
        assertThat(output)
                .contains(
                        "1. JSON",
                        "2. Form",
                        "3. File upload",
                        "4. Custom headers",
                        "5. Errors",
                        "6. Asynchronously",
                        "upload_file=data:application/pdf;base64,JVBERi0xLjQK",
                        "secret-token",
                        "Unprocessable Entity");
        assertThat(SERVER.server().requestCount() - before).isEqualTo(6);
    }

    @Test
    void mainStartsAnEmbeddedServerWithoutArguments() throws IOException {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            BlogExamples.main(new String[0]);
        } finally {
            System.setOut(original);
        }

        assertThat(captured.toString(StandardCharsets.UTF_8))
                .contains("(embedded TestServer)", "raised: ClientResponseException", "key1=value1");
    }

    private static Set<String> headerNames(JsonNode headers) {
        Set<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        headers.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
