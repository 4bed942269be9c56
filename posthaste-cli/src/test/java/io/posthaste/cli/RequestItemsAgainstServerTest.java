package io.posthaste.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.posthaste.testing.Part;
import io.posthaste.testing.RecordedRequest;
import io.posthaste.testing.TestServer;
import io.posthaste.testing.TestServerExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Every item syntax, sent for real and checked in what the server received. */
class RequestItemsAgainstServerTest {

    @RegisterExtension
    static final TestServerExtension SERVER = TestServerExtension.perClass();

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private TestServer server() {
        return SERVER.server();
    }

    private RecordedRequest send(String... args) {
        Cli.Result result = Cli.piped().in(dir).run(args);
        assertThat(result.exitCode()).as(result.err()).isZero();
        return server().takeRequest();
    }

    @Test
    void withoutItemsTheMethodIsGetAndThereIsNoBody() {
        RecordedRequest request = send(server().url("/get"));
        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.bodySize()).isZero();
        assertThat(request.header("Accept")).isEqualTo("*/*");
    }

    @Test
    void headerItemsAreSentInOrderWithTheirCase() {
        RecordedRequest request = send(server().url("/get"), "X-Auth-Token:secret-token", "X-Two: 2");
        assertThat(request.header("X-Auth-Token")).isEqualTo("secret-token");
        assertThat(request.header("X-Two")).isEqualTo("2");
    }

    @Test
    void emptyHeaderIsSentEmptyAndRemovedHeaderIsLeftOut() {
        RecordedRequest request = send(server().url("/get"), "X-Empty;", "User-Agent:");
        assertThat(request.headers("X-Empty")).containsExactly("");
        assertThat(request.header("User-Agent")).isNull();
    }

    @Test
    void queryItemsArePercentEncodedAfterTheUrlsOwnQuery() {
        RecordedRequest request = send(server().url("/get?a=1"), "q==hello world", "q==2");
        assertThat(request.target()).isEqualTo("/get?a=1&q=hello%20world&q=2");
    }

    @Test
    void dataItemsMakeAJsonObjectPostedWithJsonHeaders() throws Exception {
        RecordedRequest request =
                send(server().url("/post"), "name=john", "age:=42", "tags:=[\"a\",\"b\"]", "ok:=true");
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        assertThat(request.header("Accept")).isEqualTo("application/json, */*;q=0.5");
        assertThat(JSON.readTree(request.body()))
                .isEqualTo(JSON.readTree("{\"name\":\"john\",\"age\":42,\"tags\":[\"a\",\"b\"],\"ok\":true}"));
    }

    @Test
    void aRepeatedDataFieldBecomesAnArray() throws Exception {
        RecordedRequest request = send(server().url("/post"), "a=1", "a=2", "a:=3");
        assertThat(JSON.readTree(request.body()).get("a")).isEqualTo(JSON.readTree("[\"1\",\"2\",3]"));
    }

    @Test
    void fieldsFromFilesAreTheFilesTextOrJson() throws Exception {
        Files.writeString(dir.resolve("bio.txt"), "likes HTTP\n");
        Files.writeString(dir.resolve("meta.json"), "{\"k\": [1, 2]}");
        RecordedRequest request = send(server().url("/post"), "bio=@bio.txt", "meta:=@meta.json");
        JsonNode body = JSON.readTree(request.body());
        assertThat(body.get("bio").asText()).isEqualTo("likes HTTP\n");
        assertThat(body.get("meta")).isEqualTo(JSON.readTree("{\"k\":[1,2]}"));
    }

    @Test
    void fileItemsMakeAMultipartBodyWithTheOtherFields() throws Exception {
        Files.write(dir.resolve("report.pdf"), new byte[] {'%', 'P', 'D', 'F', 0, 1, 2});
        Files.writeString(dir.resolve("notes.txt"), "hello");
        RecordedRequest request =
                send(server().url("/post"), "upload_file@report.pdf", "notes@notes.txt;type=text/markdown", "title=Q3");
        assertThat(request.header("Content-Type")).startsWith("multipart/form-data; boundary=");
        assertThat(request.parts()).extracting(Part::name).containsExactlyInAnyOrder("upload_file", "notes", "title");
        Part pdf = part(request, "upload_file");
        assertThat(pdf.filename()).isEqualTo("report.pdf");
        assertThat(pdf.mediaType()).isEqualTo("application/pdf");
        assertThat(pdf.content()).containsExactly('%', 'P', 'D', 'F', 0, 1, 2);
        assertThat(part(request, "notes").mediaType()).isEqualTo("text/markdown");
        assertThat(part(request, "title").contentUtf8()).isEqualTo("Q3");
    }

    @Test
    void atFileSendsTheFileAsTheRawBodyTypedByItsExtension() throws Exception {
        Files.writeString(dir.resolve("data.xml"), "<a>1</a>");
        RecordedRequest request = send(server().url("/post"), "@data.xml");
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.bodyUtf8()).isEqualTo("<a>1</a>");
        assertThat(request.header("Content-Type")).isEqualTo("application/xml");
        assertThat(request.header("Content-Length")).isEqualTo("8");
    }

    @Test
    void dashSendsStandardInputAsTheRawBody() {
        Cli.Result result = Cli.piped().stdin("raw from stdin").run("PUT", server().url("/put"), "-");
        assertThat(result.exitCode()).isZero();
        RecordedRequest request = server().takeRequest();
        assertThat(request.method()).isEqualTo("PUT");
        assertThat(request.bodyUtf8()).isEqualTo("raw from stdin");
        assertThat(request.header("Content-Type")).isEqualTo("application/octet-stream");
    }

    @Test
    void anExplicitMethodWinsInAnyCase() {
        assertThat(send("delete", server().url("/delete")).method()).isEqualTo("DELETE");
        assertThat(send("PROPFIND", server().url("/anything")).method()).isEqualTo("PROPFIND");
        assertThat(send("GET", server().url("/get"), "a=1").method()).isEqualTo("GET");
    }

    @Test
    void colonPortShorthandReachesLocalhost() {
        RecordedRequest request = send(":" + server().port() + "/get");
        assertThat(request.header("Host")).isEqualTo("localhost:" + server().port());
        RecordedRequest again = send("localhost:" + server().port() + "/anything/x");
        assertThat(again.path()).isEqualTo("/anything/x");
    }

    @Test
    void aHeaderItemOverridesTheAutomaticContentType() {
        RecordedRequest request = send(server().url("/post"), "Content-Type:application/vnd.api+json", "a=b");
        assertThat(request.header("Content-Type")).isEqualTo("application/vnd.api+json");
        assertThat(new String(request.body(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":\"b\"}");
    }

    private static Part part(RecordedRequest request, String name) {
        return request.parts().stream()
                .filter(p -> p.name().equals(name))
                .findFirst()
                .orElseThrow();
    }
}
