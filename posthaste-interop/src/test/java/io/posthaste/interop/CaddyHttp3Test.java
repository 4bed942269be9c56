package io.posthaste.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.posthaste.ClientResponseException;
import io.posthaste.ClientSession;
import io.posthaste.Protocol;
import io.posthaste.Response;
import io.posthaste.StreamingResponse;
import io.posthaste.examples.BlogExamples;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our HTTP/3 client against caddy, a real HTTP/3 server (quic-go), on the port where it also
 * serves HTTP/1.1 and HTTP/2: the five examples and the async one by prior knowledge, a large
 * download and upload checked byte for byte, and Alt-Svc discovery from caddy's own HTTP/2 answer.
 * The echo routes are caddy's reverse proxy to a TestServer (see {@link CaddyServer}).
 */
final class CaddyHttp3Test {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @RegisterExtension
    static final CaddyServer CADDY = new CaddyServer();

    static ClientSession h3;

    @TempDir
    Path workDir;

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    @BeforeAll
    static void openAnHttp3Session() {
        h3 = ClientSession.builder()
                .trustManager(CADDY.trustManager())
                .protocols(Protocol.HTTP_3, Protocol.HTTP_2, Protocol.HTTP_1_1)
                .http3Origins("https://localhost:" + CADDY.port())
                .build();
    }

    @AfterAll
    static void closeTheSession() {
        h3.close();
    }

    private BlogExamples examples() {
        BlogExamples.writeReportPdf(workDir);
        return new BlogExamples(h3, CADDY.url("/"), workDir, new PrintStream(printed, true, StandardCharsets.UTF_8));
    }

    @Test
    void theFiveExamplesAndTheAsyncOneWorkOverHttp3() throws Exception {
        BlogExamples examples = examples();

        Response json = examples.postJson();
        assertThat(json.version()).isEqualTo("HTTP/3");
        assertThat(json.json().get("json")).isEqualTo(MAPPER.valueToTree(BlogExamples.DATA));

        Response form = examples.postForm();
        assertThat(form.version()).isEqualTo("HTTP/3");
        assertThat(form.json().get("form")).isEqualTo(MAPPER.valueToTree(BlogExamples.LOGIN));

        Response file = examples.uploadFile();
        assertThat(file.version()).isEqualTo("HTTP/3");
        assertThat(file.json().at("/files/upload_file").asText())
                .isEqualTo("data:application/pdf;base64,"
                        + Base64.getEncoder().encodeToString(BlogExamples.reportPdfBytes()));

        Response headers = examples.getWithHeaders();
        assertThat(headers.version()).isEqualTo("HTTP/3");
        assertThat(headers.json().at("/headers/X-Auth-Token").asText()).isEqualTo("secret-token");

        ClientResponseException raised = examples.createWithError().orElseThrow();
        assertThat(raised.status()).isEqualTo(422);

        Response async = examples.postJsonAsync().get(10, TimeUnit.SECONDS);
        assertThat(async.version()).isEqualTo("HTTP/3");
        assertThat(async.json().get("json")).isEqualTo(MAPPER.valueToTree(BlogExamples.DATA));
    }

    @Test
    void aLargeDownloadAndUploadArriveIntactOverHttp3() throws Exception {
        Path file = CADDY.writeRandomFile("h3-64MiB.bin", 64L << 20, 3);
        Path saved = workDir.resolve("saved.bin");
        try (StreamingResponse download = h3.get(CADDY.url("/files/h3-64MiB.bin")).stream()) {
            assertThat(download.version()).isEqualTo("HTTP/3");
            assertThat(download.saveTo(saved)).isEqualTo(64L << 20);
        }
        assertThat(TestFiles.sha256(saved)).isEqualTo(TestFiles.sha256(file));

        Response upload = h3.put(CADDY.url("/sink"))
                .body(file, "application/octet-stream")
                .send();
        assertThat(upload.version()).isEqualTo("HTTP/3");
        JsonNode sink = HttpbinJson.parse(upload.text());
        assertThat(sink.get("bytes").asLong()).isEqualTo(64L << 20);
        assertThat(sink.get("sha256").asText()).isEqualTo(TestFiles.sha256(file));
    }

    @Test
    void caddysHttp2AnswerAdvertisingH3MovesTheNextRequestToHttp3() {
        try (ClientSession discovering = ClientSession.builder()
                .trustManager(CADDY.trustManager())
                .protocols(Protocol.HTTP_3, Protocol.HTTP_2, Protocol.HTTP_1_1)
                .build()) {
            Response first = discovering.get(CADDY.url("/hello")).send();
            Response second = discovering.get(CADDY.url("/hello")).send();

            assertThat(first.version()).isEqualTo("HTTP/2");
            assertThat(first.headers().get("alt-svc")).startsWith("h3=\":" + CADDY.port() + "\"");
            assertThat(second.version()).isEqualTo("HTTP/3");
            assertThat(second.text()).isEqualTo(CaddyServer.HELLO);
        }
    }
}
