package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.posthaste.testing.RecordedRequest;
import io.posthaste.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Everything a request does works the same on HTTP/3: by prior knowledge (one origin, or
 * {@code HTTP_3} alone), the five examples, bodies both ways, and the answer's version.
 */
class Http3Test {

    @BeforeAll
    static void quicIsAvailable() {
        assumeTrue(TestServer.http3Available(), "no QUIC native library on this platform");
    }

    private static ClientSession http3Only(TestServer server) {
        return ClientSession.builder()
                .protocols(Protocol.HTTP_3)
                .trustManager(server.trustManager())
                .build();
    }

    @Test
    void aRequestToAnHttp3OnlySessionIsAnsweredAsHttp3() {
        try (TestServer server = TestServer.builder().http3().start();
                ClientSession session = http3Only(server)) {
            Response response =
                    session.get(server.url("/get?x=1")).header("X-Seen", "yes").send();

            assertThat(response.version()).isEqualTo("HTTP/3");
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.json(Map.class).get("args")).isEqualTo(Map.of("x", "1"));
            RecordedRequest recorded = server.takeRequest();
            assertThat(recorded.version()).isEqualTo("HTTP/3");
            assertThat(recorded.header("X-Seen")).isEqualTo("yes");
            assertThat(recorded.header("Host")).isEqualTo("localhost:" + server.port());
        }
    }

    @Test
    void jsonFormMultipartAndRaisedStatusesWorkAsOnHttp2(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("report.csv"), "a,b\n1,2\n".getBytes());
        try (TestServer server = TestServer.builder().http3().start();
                ClientSession session = http3Only(server)) {
            Map<?, ?> posted = session.post(server.url("/post"))
                    .json(Map.of("n", 1))
                    .send()
                    .json(Map.class);
            assertThat(posted.get("json")).isEqualTo(Map.of("n", 1));

            Map<?, ?> form = session.post(server.url("/post"))
                    .formField("k", "v w")
                    .send()
                    .json(Map.class);
            assertThat(form.get("form")).isEqualTo(Map.of("k", "v w"));

            Response uploaded = session.post(server.url("/post"))
                    .header("X-Upload", "1")
                    .file("f", file)
                    .send();
            assertThat(uploaded.status()).isEqualTo(200);
            assertThat(uploaded.version()).isEqualTo("HTTP/3");
            server.takeRequest();
            server.takeRequest();
            RecordedRequest multipart = server.takeRequest();
            assertThat(multipart.version()).isEqualTo("HTTP/3");
            assertThat(multipart.header("X-Upload")).isEqualTo("1");
            assertThat(multipart.parts().get(0).content()).isEqualTo("a,b\n1,2\n".getBytes());

            assertThatThrownBy(() -> session.get(server.url("/status/404")).send())
                    .isInstanceOfSatisfying(
                            ClientResponseException.class,
                            e -> assertThat(e.status()).isEqualTo(404));
        }
    }
}
