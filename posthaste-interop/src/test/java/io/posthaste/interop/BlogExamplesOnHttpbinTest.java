package io.posthaste.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.posthaste.ClientResponseException;
import io.posthaste.ClientSession;
import io.posthaste.Response;
import io.posthaste.examples.BlogExamples;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The blog's five examples ({@link BlogExamples}, unchanged) sent to real httpbin 0.7.0 make httpbin
 * see what it saw from aiohttp 3.8.4 for the same code (the seed, recorded against the same httpbin
 * package). Whole echoes are compared after removing only what legitimately differs between two
 * clients: the Host port (and with it {@code url}), User-Agent, the multipart boundary (and with it
 * the multipart Content-Length), JSON whitespace (aiohttp writes {@code ", "}, hence its 36 bytes to
 * our 33) and Accept-Encoding, where we offer a superset: aiohttp 3.8.4 had only zlib, we also list
 * br and zstd when their native libraries load.
 */
final class BlogExamplesOnHttpbinTest {

    @RegisterExtension
    static final RealServer HTTPBIN = RealServer.httpbin();

    static final ObjectMapper MAPPER = new ObjectMapper();
    static JsonNode seed;
    static ClientSession session;

    @TempDir
    Path workDir;

    final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    BlogExamples examples;

    @BeforeAll
    static void loadSeedAndOpenSession() throws IOException {
        try (InputStream in =
                BlogExamplesOnHttpbinTest.class.getResourceAsStream("/aiohttp-3.8.4-as-seen-by-httpbin.json")) {
            assertThat(in).as("seed resource").isNotNull();
            seed = MAPPER.readTree(in);
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
                session, HTTPBIN.url("/"), workDir, new PrintStream(printed, true, StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"json", "form", "file"})
    void postExamplesMakeHttpbinSeeWhatAiohttpSent(String example) {
        Response response = switch (example) {
            case "json" -> examples.postJson();
            case "form" -> examples.postForm();
            default -> examples.uploadFile();
        };

        assertThat(response.status())
                .isEqualTo(seed.at("/" + example + "/status").asInt());
        JsonNode seen = response.json();
        JsonNode expected = seed.at("/" + example + "/seen");
        assertThat(comparable(seen)).isEqualTo(comparable(expected));
        assertThat(seen.at("/headers/Accept-Encoding").asText())
                .startsWith(expected.at("/headers/Accept-Encoding").asText())
                .isEqualTo(String.join(", ", ClientSession.contentCodings()));
    }

    @Test
    void jsonExampleSendsTheSameJsonValueInFewerBytes() throws IOException {
        JsonNode seen = examples.postJson().json();
        JsonNode expected = seed.at("/json/seen");

        assertThat(MAPPER.readTree(seen.get("data").asText()))
                .isEqualTo(MAPPER.readTree(expected.get("data").asText()));
        assertThat(seen.at("/headers/Content-Length").asInt())
                .isEqualTo(seen.get("data").asText().length())
                .isEqualTo(33);
    }

    @Test
    void fileExampleUploadsTheSameDataUrlAsAiohttp() {
        JsonNode seen = examples.uploadFile().json();

        // The data: URL holds the part's Content-Type and every byte: equal strings, equal part.
        assertThat(seen.at("/files/upload_file").asText())
                .isEqualTo(seed.at("/file/seen/files/upload_file").asText())
                .startsWith("data:application/pdf;base64,");
        assertThat(seen.at("/headers/Content-Type").asText()).startsWith("multipart/form-data; boundary=");
    }

    @Test
    void headersExampleMakesHttpbinSeeTheSameHeadersAsAiohttp() {
        JsonNode seen = examples.getWithHeaders().json();

        assertThat(comparable(seen)).isEqualTo(comparable(seed.at("/headers/seen")));
        assertThat(seen.at("/headers/Host").asText()).isEqualTo("127.0.0.1:" + HTTPBIN.port());
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("\"X-Auth-Token\":\"secret-token\"");
    }

    @Test
    void errorExampleRaisesWithHttpbinsStatusAndReasonLikeAiohttp() {
        ClientResponseException e = examples.createWithError().orElseThrow();

        assertThat(seed.at("/error/raised").asBoolean()).isTrue();
        assertThat(e.status()).isEqualTo(seed.at("/error/status").asInt());
        // Werkzeug's reason phrase is upper-case; aiohttp reported it verbatim, and so do we.
        assertThat(e.reason()).isEqualTo(seed.at("/error/message").asText());
    }

    @Test
    void serverErrorRaisesByDefaultWhereAiohttpDidNotAndIsReturnedWhenRaisingIsOff() {
        assertThat(seed.at("/error_default/raised").asBoolean()).isFalse();

        Response response = session.post(HTTPBIN.url("/status/500"))
                .json(BlogExamples.DATA)
                .raiseForStatus(false)
                .send();

        assertThat(response.status()).isEqualTo(seed.at("/error_default/status").asInt());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> session.post(HTTPBIN.url("/status/500"))
                        .json(BlogExamples.DATA)
                        .send())
                .isInstanceOf(ClientResponseException.class);
    }

    @Test
    void asyncExampleMakesHttpbinSeeTheSameAsTheBlockingOne() throws Exception {
        Response response = examples.postJsonAsync().get(10, TimeUnit.SECONDS);

        assertThat(comparable(response.json())).isEqualTo(comparable(seed.at("/json/seen")));
    }

    /**
     * Returns {@code echo} without what differs between any two clients or servers on other ports;
     * everything else (header names, values, args, form, files, json, origin) stays.
     */
    private static JsonNode comparable(JsonNode echo) {
        ObjectNode copy = echo.deepCopy();
        copy.remove("url");
        if (copy.get("data") != null
                && copy.get("json") != null
                && !copy.get("json").isNull()) {
            copy.remove("data"); // compared as a JSON value in jsonExampleSendsTheSameJsonValueInFewerBytes
        }
        ObjectNode headers = (ObjectNode) copy.get("headers");
        headers.remove(java.util.List.of("Host", "User-Agent", "Accept-Encoding"));
        String contentType = headers.path("Content-Type").asText();
        if (contentType.startsWith("multipart/form-data; boundary=")) {
            headers.put("Content-Type", "multipart/form-data; boundary=*");
            headers.remove("Content-Length");
        } else if (contentType.equals("application/json")) {
            headers.remove("Content-Length");
        }
        return copy;
    }
}
