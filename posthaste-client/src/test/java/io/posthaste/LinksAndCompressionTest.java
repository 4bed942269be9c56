package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posthaste.testing.MockResponse;
import io.posthaste.testing.RecordedRequest;
import io.posthaste.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LinksAndCompressionTest {

    static TestServer server;
    static ClientSession session;

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
    void linkHeadersAreParsedByRelationAndResolved() {
        server.enqueue(MockResponse.builder()
                .header(
                        "Link",
                        "</items?page=2>; rel=\"next\", <https://cdn.example/x>; rel=\"prev first\"; title=\"a, b\"")
                .header("Link", "<../up>; rel=up")
                .build());
        Map<String, Link> links =
                session.get(server.url("/api/items?page=1")).send().links();

        assertThat(links.get("next").url().toString()).isEqualTo(server.url("/items?page=2"));
        assertThat(links.get("prev").url().toString()).isEqualTo("https://cdn.example/x");
        assertThat(links.get("first").parameters()).containsEntry("title", "a, b");
        assertThat(links.get("up").url().getPath()).isEqualTo("/up");
    }

    @Test
    void gzipCompressedBodiesAreSentWithContentEncoding() throws IOException {
        String text = "posthaste ".repeat(1000);
        session.post(server.url("/post"))
                .body(text, "text/plain")
                .compress("gzip")
                .send();

        RecordedRequest seen = server.takeRequest();
        assertThat(seen.header("Content-Encoding")).isEqualTo("gzip");
        assertThat(seen.chunked()).isTrue();
        assertThat(seen.bodySize()).isLessThan(text.length() / 10);
        try (var in = new GZIPInputStream(new ByteArrayInputStream(seen.body()))) {
            assertThat(new String(in.readAllBytes())).isEqualTo(text);
        }
    }

    @Test
    void deflateUsesZlibAndEmptyBodiesStayUncompressed() throws IOException {
        session.put(server.url("/put"))
                .json(Map.of("k", "v"))
                .compress("deflate")
                .send();
        session.post(server.url("/post"))
                .body(new byte[0], "application/octet-stream")
                .compress("gzip")
                .send();

        RecordedRequest deflated = server.takeRequest();
        try (var in = new InflaterInputStream(new ByteArrayInputStream(deflated.body()))) {
            assertThat(new String(in.readAllBytes())).isEqualTo("{\"k\":\"v\"}");
        }
        RecordedRequest empty = server.takeRequest();
        assertThat(empty.header("Content-Encoding")).isNull();
        assertThat(empty.header("Content-Length")).isEqualTo("0");
    }

    @Test
    void compressingAnAlreadyEncodedBodyIsRefused() {
        assertThatThrownBy(() -> session.post(server.url("/post"))
                        .header("Content-Encoding", "gzip")
                        .body(new byte[] {1}, null)
                        .compress("gzip")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> session.post(server.url("/post")).compress("br"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
