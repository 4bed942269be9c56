package io.posthaste.testing.cassette;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.posthaste.ClientSession;
import io.posthaste.testing.MockResponse;
import io.posthaste.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** {@link UseCassette} and {@link CassetteExtension}, run on fixture classes through the test kit. */
class CassetteExtensionTest {

    static final String DIRECTORY = "target/cassette-extension-test";
    /** The origin of the server the fixture talks to; set before each run. */
    static volatile String origin;

    @UseCassette(value = "users", directory = DIRECTORY, redactHeaders = "X-Secret")
    static class UsersFixture {
        @Test
        void listsUsers(Cassette cassette) {
            try (ClientSession session = ClientSession.builder()
                    .addNetworkInterceptor(cassette.interceptor())
                    .build()) {
                assertThat(session.get(origin + "/users")
                                .header("X-Secret", "s3cr3t")
                                .send()
                                .text())
                        .isEqualTo("[\"ada\"]");
            }
        }
    }

    @ExtendWith(CassetteExtension.class)
    static class UnannotatedFixture {
        @Test
        void wantsACassette(Cassette cassette) {}
    }

    private static Events run(Class<?> fixture) {
        return EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(fixture))
                .execute()
                .testEvents();
    }

    @Test
    void anAnnotatedTestRecordsOnceAndThenReplaysWithTheServerStopped() throws IOException {
        Path file = Path.of(DIRECTORY, "users.json");
        Files.deleteIfExists(file);
        try (TestServer server = TestServer.start()) {
            origin = server.url("/").replaceFirst("/$", "");
            server.enqueue(MockResponse.builder()
                    .header("Content-Type", "application/json")
                    .body("[\"ada\"]")
                    .build());
            run(UsersFixture.class).assertStatistics(stats -> stats.started(1).succeeded(1));
            assertThat(server.requestCount()).isEqualTo(1);
        }
        assertThat(Files.readString(file))
                .contains("\"X-Secret\" : [ \"REDACTED\" ]")
                .doesNotContain("s3cr3t");

        System.setProperty(CassetteExtension.MODE_PROPERTY, "REPLAY");
        try {
            run(UsersFixture.class).assertStatistics(stats -> stats.started(1).succeeded(1));
        } finally {
            System.clearProperty(CassetteExtension.MODE_PROPERTY);
        }
    }

    @Test
    void aCassetteParameterWithoutTheAnnotationFailsSayingWhatIsMissing() {
        Events events = run(UnannotatedFixture.class);

        events.assertStatistics(stats -> stats.started(1).failed(1));
        Throwable failure = events.failed().stream()
                .findFirst()
                .orElseThrow()
                .getPayload(org.junit.platform.engine.TestExecutionResult.class)
                .orElseThrow()
                .getThrowable()
                .orElseThrow();
        assertThat(failure)
                .hasStackTraceContaining("a Cassette parameter needs @UseCassette on the test method or its class");
    }
}
