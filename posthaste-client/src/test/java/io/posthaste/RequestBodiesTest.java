package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posthaste.testing.MockResponse;
import io.posthaste.testing.Part;
import io.posthaste.testing.RecordedRequest;
import io.posthaste.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RequestBodiesTest {

    static TestServer server;
    static ClientSession session;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        session = ClientSession.create();
    }

    @AfterAll
    static void stop() {
        session.close();
        server.close();
    }

    @Test
    void jsonBodyIsSerialisedWithContentTypeAndExactLength() {
        session.post(server.url("/post")).json(Map.of("key1", "value1")).send();

        RecordedRequest seen = server.takeRequest();
        assertThat(seen.header("Content-Type")).isEqualTo("application/json");
        assertThat(seen.bodyUtf8()).isEqualTo("{\"key1\":\"value1\"}");
        assertThat(seen.header("Content-Length")).isEqualTo(String.valueOf(seen.bodySize()));
        assertThat(seen.chunked()).isFalse();
    }

    @Test
    void explicitContentTypeWinsOverJsonDefault() {
        session.post(server.url("/post"))
                .header("content-type", "application/vnd.api+json")
                .json(Map.of("a", 1))
                .send();

        assertThat(server.takeRequest().headers("Content-Type")).containsExactly("application/vnd.api+json");
    }

    @Test
    void jsonTogetherWithFormIsRejectedBeforeSending() {
        RequestBuilder builder = session.post(server.url("/post")).json(Map.of("a", 1));

        assertThatThrownBy(() -> builder.form(Map.of("b", "2"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() ->
                        session.post(server.url("/post")).formField("a", "b").json(1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void formIsUrlEncodedUtf8WithoutCharsetAndKeepsRepeatedKeys() {
        session.post(server.url("/post"))
                .formField("tag", "a b")
                .formField("tag", "é&=")
                .formField("username", "john")
                .send();

        RecordedRequest seen = server.takeRequest();
        assertThat(seen.header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
        assertThat(seen.bodyUtf8()).isEqualTo("tag=a+b&tag=%C3%A9%26%3D&username=john");
    }

    @Test
    void fileUploadIsMultipartWithGuessedTypeFileNameAndExactLength() throws Exception {
        Path pdf = dir.resolve("report.pdf");
        byte[] content = new byte[300_000];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) i;
        }
        Files.write(pdf, content);

        session.post(server.url("/post")).files(Map.of("upload_file", pdf)).send();

        RecordedRequest seen = server.takeRequest();
        assertThat(seen.header("Content-Type")).matches("multipart/form-data; boundary=[0-9a-f]{32}");
        assertThat(seen.chunked()).isFalse();
        assertThat(seen.header("Content-Length")).isEqualTo(String.valueOf(seen.bodySize()));
        Part part = seen.parts().get(0);
        assertThat(part.name()).isEqualTo("upload_file");
        assertThat(part.filename()).isEqualTo("report.pdf");
        assertThat(part.contentType()).isEqualTo("application/pdf");
        assertThat(part.content()).isEqualTo(content);
    }

    /** Each way a request builder takes a file, applied to {@code file}. */
    private static final Map<String, Function<Path, Consumer<RequestBuilder>>> FILE_ENTRY_POINTS = Map.of(
            "files(Map)", file -> r -> r.files(Map.of("upload_file", file)),
            "file(name, path)", file -> r -> r.file("upload_file", file),
            "file(name, path, type)", file -> r -> r.file("upload_file", file, MediaType.OCTET_STREAM),
            "body(path, type)", file -> r -> r.body(file, "application/pdf"));

    /** Each way a body is made from a file before any request exists. */
    private static final Map<String, Consumer<Path>> FILE_BODY_FACTORIES = Map.of(
            "Body.of(path)", file -> Body.of(file),
            "Body.of(path, type)", file -> Body.of(file, MediaType.OCTET_STREAM),
            "Multipart file(name, path)", file -> Multipart.builder().file("f", file),
            "Multipart file(name, path, type)", file -> Multipart.builder().file("f", file, null));

    @Test
    void aFileThatCannotBeSentIsAnInvalidRequestAtTheBuilderCallNamingPathMethodAndUrl() {
        Path missing = Path.of("no-such-dir-" + System.nanoTime(), "report.pdf");
        String url = server.url("/upload").replace("http://", "http://john:s3cr3t@");
        Map<Path, String> unusable = Map.of(missing, "does not exist", dir, "is a directory");
        int before = server.requestCount();
        FILE_ENTRY_POINTS.forEach((entryPoint, use) -> unusable.forEach((file, problem) -> {
            RequestBuilder request = session.post(url);

            assertThatThrownBy(() -> use.apply(file).accept(request))
                    .as(entryPoint + " " + problem)
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("POST " + server.url("/upload"))
                    .hasMessageContaining(file.toAbsolutePath().toString())
                    .hasMessageContaining(problem)
                    .hasMessageNotContaining("s3cr3t");
        }));
        assertThat(server.requestCount()).as("nothing sent").isEqualTo(before);
    }

    @Test
    void aFileBodyMadeBeforeItsRequestIsAnInvalidRequestNamingTheAbsolutePath() {
        Path missing = Path.of("no-such-report-" + System.nanoTime() + ".pdf");
        Map<Path, String> unusable = Map.of(missing, "does not exist", dir, "is a directory");
        FILE_BODY_FACTORIES.forEach(
                (factory, make) -> unusable.forEach((file, problem) -> assertThatThrownBy(() -> make.accept(file))
                        .as(factory + " " + problem)
                        .isInstanceOf(InvalidRequestException.class)
                        .hasMessageContaining(file.toAbsolutePath().toString())
                        .hasMessageContaining(problem)));
    }

    @Test
    void formFieldsAndFilesMakeOneMultipartBody() throws Exception {
        Path notes = Files.writeString(dir.resolve("notes.txt"), "hello");

        session.post(server.url("/post"))
                .formField("title", "Q3")
                .file("notes", notes)
                .send();

        RecordedRequest seen = server.takeRequest();
        assertThat(seen.parts()).extracting(Part::name).containsExactly("title", "notes");
        assertThat(seen.parts().get(0).contentUtf8()).isEqualTo("Q3");
        assertThat(seen.parts().get(1).contentType()).isEqualTo("text/plain");
        assertThat(seen.parts().get(1).contentUtf8()).isEqualTo("hello");
    }

    @Test
    void multipartEscapesQuotesInFileNamesAndRejectsLineBreaks() {
        Multipart body = Multipart.builder()
                .file("doc", "a\"b.txt", "x".getBytes(StandardCharsets.UTF_8), null)
                .build();
        session.post(server.url("/post")).multipart(body).send();

        assertThat(server.takeRequest().parts().get(0).filename()).isEqualTo("a%22b.txt");
        assertThatThrownBy(() -> Multipart.builder().field("bad\r\nX-Injected: 1", "v"))
                .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> Multipart.builder().file("f", "evil\n.txt", new byte[0], null))
                .isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void boundariesAreRandomWith128Bits() {
        int samples = 100_000;
        Set<String> seen = new HashSet<>();
        int[] ones = new int[128];
        for (int i = 0; i < samples; i++) {
            String boundary = Multipart.builder().build().boundary();
            assertThat(boundary).matches("[0-9a-f]{32}");
            seen.add(boundary);
            for (int bit = 0; bit < 128; bit++) {
                ones[bit] += Character.digit(boundary.charAt(bit / 4), 16) >> (3 - bit % 4) & 1;
            }
        }
        assertThat(seen).as("distinct boundaries").hasSize(samples);
        // Every one of the 128 bits is a coin toss: set in half the samples, give or take 1 %
        // (six standard deviations). A shorter random value padded out, a counter or a clock
        // would leave bits fixed. The source itself is checked in MultipartEncodingTest.
        for (int bit = 0; bit < 128; bit++) {
            assertThat(ones[bit]).as("samples with bit %d set", bit).isBetween(samples * 49 / 100, samples * 51 / 100);
        }
    }

    @Test
    void streamBodyOfUnknownLengthIsSentChunked() {
        byte[] data = new byte[200_000];
        session.post(server.url("/post"))
                .body(new ByteArrayInputStream(data), "application/octet-stream")
                .send();

        RecordedRequest seen = server.takeRequest();
        assertThat(seen.chunked()).isTrue();
        assertThat(seen.header("Content-Length")).isNull();
        assertThat(seen.bodySize()).isEqualTo(data.length);
    }

    @Test
    void bytesGetOctetStreamAndStringsGetTextPlainUtf8() {
        session.put(server.url("/put")).body(Body.of(new byte[] {1, 2, 3})).send();
        session.put(server.url("/put")).body(Body.of("héllo")).send();

        RecordedRequest bytes = server.takeRequest();
        assertThat(bytes.header("Content-Type")).isEqualTo("application/octet-stream");
        assertThat(bytes.header("Content-Length")).isEqualTo("3");
        RecordedRequest text = server.takeRequest();
        assertThat(text.header("Content-Type")).isEqualTo("text/plain; charset=utf-8");
        assertThat(text.body()).isEqualTo("héllo".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void contentLengthZeroForBodylessPostButNoneForGet() {
        session.post(server.url("/post")).send();
        session.get(server.url("/get")).send();
        session.get(server.url("/get")).body(Body.of(new byte[0])).send();

        assertThat(server.takeRequest().header("Content-Length")).isEqualTo("0");
        assertThat(server.takeRequest().header("Content-Length")).isNull();
        assertThat(server.takeRequest().header("Content-Length")).isEqualTo("0");
    }

    @Test
    void explicitContentLengthThatContradictsTheBodyIsRejected() {
        assertThatThrownBy(() -> session.post(server.url("/post"))
                        .header("Content-Length", "99")
                        .body(Body.of("short"))
                        .send())
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("99");
    }

    @Test
    void replayableFormIsIdenticalWhenSentTwice() {
        Request request = session.post(server.url("/post"))
                .form(new LinkedHashMap<>(Map.of("k", "v")))
                .build();
        assertThat(request.body()).get().matches(Body::isReplayable);
        server.enqueue(MockResponse.ok("one"));
        server.enqueue(MockResponse.ok("two"));
        session.post(server.url("/post")).form(Map.of("k", "v")).send();
        session.post(server.url("/post")).form(Map.of("k", "v")).send();
        assertThat(server.takeRequest().body()).isEqualTo(server.takeRequest().body());
    }
}
