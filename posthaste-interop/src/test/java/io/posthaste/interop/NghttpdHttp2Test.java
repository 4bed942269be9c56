package io.posthaste.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.posthaste.ClientResponseException;
import io.posthaste.ClientSession;
import io.posthaste.Response;
import io.posthaste.StreamingResponse;
import io.posthaste.examples.BlogExamples;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The client against nghttpd 1.52, nghttp2's reference HTTP/2 server, over TLS ({@code h2} by
 * ALPN, offering {@code HTTP_2, HTTP_1_1}) and over cleartext (h2c, {@code H2_PRIOR_KNOWLEDGE}).
 * nghttpd serves files and, with {@code --echo-upload}, sends a POST or PUT body back as it came;
 * it runs no application. So the five examples apply in the form it can check: the JSON, form and
 * multipart bodies come back byte for byte (what the client framed is what nghttpd reassembled),
 * the custom-header GET fetches a file (nghttpd cannot show the headers it saw), and the 4xx is a
 * missing file's 404. Streaming: a 16 MiB file read slowly, and an upload of unknown length
 * echoed back whole.
 */
final class NghttpdHttp2Test {

    @RegisterExtension
    static final Http2Server NGHTTPD = Http2Server.nghttpd();

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final String HELLO = "Hello from nghttpd over HTTP/2.\n".repeat(100);
    static final long BIG = 16L * 1024 * 1024;
    static String bigSha256;

    @BeforeAll
    static void writeFiles() throws IOException {
        Files.writeString(NGHTTPD.documentRoot().resolve("hello.txt"), HELLO, StandardCharsets.UTF_8);
        Path big = TestFiles.random("nghttpd-16MiB.bin", BIG, 16);
        Files.move(big, NGHTTPD.documentRoot().resolve("big.bin"), StandardCopyOption.REPLACE_EXISTING);
        bigSha256 = TestFiles.sha256(NGHTTPD.documentRoot().resolve("big.bin"));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void getWithCustomHeadersFetchesTheFileOverHttp2(Transport transport) {
        try (ClientSession session = transport.open(NGHTTPD)) {
            Response response = session.get(transport.url(NGHTTPD, "/hello.txt"))
                    .headers(BlogExamples.AUTH_HEADERS)
                    .send();

            assertThat(response.version()).isEqualTo("HTTP/2");
            assertThat(response.text()).isEqualTo(HELLO);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void jsonBodyComesBackAsTheSameJson(Transport transport) throws IOException {
        try (ClientSession session = transport.open(NGHTTPD)) {
            Response response = session.post(transport.url(NGHTTPD, "/echo"))
                    .json(BlogExamples.DATA)
                    .send();

            assertThat(response.version()).isEqualTo("HTTP/2");
            assertThat(response.headers().get("nghttpd-response")).isEqualTo("echo");
            assertThat(MAPPER.readTree(response.bytes())).isEqualTo(MAPPER.valueToTree(BlogExamples.DATA));
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void formBodyComesBackAsTheSameFields(Transport transport) {
        try (ClientSession session = transport.open(NGHTTPD)) {
            String echoed = session.post(transport.url(NGHTTPD, "/echo"))
                    .form(BlogExamples.LOGIN)
                    .send()
                    .text();

            assertThat(echoed.split("&")).containsExactlyInAnyOrder("username=john", "password=1234");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void multipartUploadComesBackWithItsHeadersAndEveryByteOfTheFile(Transport transport, @TempDir Path dir) {
        Path report = BlogExamples.writeReportPdf(dir);
        try (ClientSession session = transport.open(NGHTTPD)) {
            Response response = session.post(transport.url(NGHTTPD, "/echo"))
                    .files(Map.of("upload_file", report))
                    .send();

            String echoed = new String(response.bytes(), StandardCharsets.ISO_8859_1);
            assertThat(response.version()).isEqualTo("HTTP/2");
            assertThat(echoed)
                    .contains("Content-Disposition: form-data; name=\"upload_file\"; filename=\"report.pdf\"")
                    .contains("Content-Type: application/pdf")
                    .contains(new String(BlogExamples.reportPdfBytes(), StandardCharsets.ISO_8859_1));
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void missingFileRaisesTheNotFoundStatus(Transport transport) {
        try (ClientSession session = transport.open(NGHTTPD)) {
            assertThatThrownBy(() -> session.get(transport.url(NGHTTPD, "/no-such-file.txt"))
                            .send())
                    .isInstanceOfSatisfying(
                            ClientResponseException.class,
                            e -> assertThat(e.status()).isEqualTo(404));
            assertThat(session.get(transport.url(NGHTTPD, "/no-such-file.txt"))
                            .raiseForStatus(false)
                            .send()
                            .version())
                    .isEqualTo("HTTP/2");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void largeFileReadSlowlyArrivesIntact(Transport transport) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        long read;
        try (ClientSession session = transport.open(NGHTTPD);
                StreamingResponse response = session.get(transport.url(NGHTTPD, "/big.bin")).stream();
                InputStream body = response.body()) {
            assertThat(response.version()).isEqualTo("HTTP/2");
            read = SlowReader.digest(body, digest);
        }

        assertThat(read).isEqualTo(BIG);
        assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(bigSha256);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void streamedUploadOfUnknownLengthComesBackWhole(Transport transport) {
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new SplittableRandom(14).nextBytes(data);
        try (ClientSession session = transport.open(NGHTTPD)) {
            Response response = session.put(transport.url(NGHTTPD, "/echo"))
                    .body(new ByteArrayInputStream(data), "application/octet-stream")
                    .send();

            assertThat(response.version()).isEqualTo("HTTP/2");
            assertThat(TestFiles.sha256(response.bytes())).isEqualTo(TestFiles.sha256(data));
        }
    }
}
