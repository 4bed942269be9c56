package io.posthaste.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.posthaste.ClientSession;
import io.posthaste.testing.MockResponse;
import io.posthaste.testing.TestServer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import reactor.adapter.JdkFlowAdapter;
import reactor.core.publisher.Mono;

class ReactiveStreamingExampleTest {

    @Test
    void theExampleDownloadsAndUploadsThroughReactorAdaptedInOneLine() {
        try (TestServer server = TestServer.start();
                ClientSession session = ClientSession.create()) {
            server.enqueue(MockResponse.builder().body(new byte[3_000_000]).build());
            ReactiveStreamingExample.Outcome outcome =
                    ReactiveStreamingExample.run(session, server.url("/download"), server.url("/sink"));

            assertThat(outcome.downloaded()).isEqualTo(3_000_000);
            Map<?, ?> sink = outcome.uploaded().json(Map.class);
            assertThat(((Number) sink.get("bytes")).longValue()).isEqualTo(1024 * 1024);
            assertThat(sink.get("chunked")).isEqualTo(true);
            assertThat(session.poolStats().leased()).isZero();
        }
    }

    @Test
    void aFluxThatTakesLessThanTheBodyCancelsAndReleasesTheConnection() throws InterruptedException {
        try (TestServer server = TestServer.start();
                ClientSession session = ClientSession.create()) {
            server.enqueue(MockResponse.builder().body(new byte[8_000_000]).build());
            List<ByteBuffer> first = Mono.fromFuture(
                            session.get(server.url("/download")).streamAsync())
                    .flatMapMany(response -> JdkFlowAdapter.flowPublisherToFlux(response.publisher()))
                    .take(1)
                    .collectList()
                    .block();

            assertThat(first).hasSize(1);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (session.poolStats().leased() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(session.poolStats().leased()).isZero();
        }
    }

    @Test
    void theReadmeShowsTheExampleWordForWord() throws IOException {
        List<String> source =
                Files.readAllLines(Path.of("src/test/java/io/posthaste/examples/ReactiveStreamingExample.java"));
        List<String> lines = source.subList(
                source.indexOf("        // snippet: reactive") + 1, source.indexOf("        // end snippet"));
        String snippet = lines.stream()
                .map(l -> l.length() >= 8 ? l.substring(8) : l.strip())
                .collect(Collectors.joining("\n"));
        String readme = Files.readString(Path.of("../README.md"));
        assertThat(readme).contains(snippet);
        assertThat(Arrays.asList(readme.split("\n"))).contains("## Reactive streaming");
    }
}
