package io.posthaste.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.posthaste.CacheStatus;
import io.posthaste.testing.TestServer;
import io.posthaste.testing.cassette.Cassette;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the README's cache and cassette examples as they are written there. */
class CacheAndCassetteExamplesTest {

    @TempDir
    Path directory;

    @Test
    void theCacheExampleAnswersTheSecondFetchFromDisk() {
        try (TestServer server = TestServer.start()) {
            String url = server.url("/response-headers?Cache-Control=max-age%3D60");

            assertThat(CacheExample.fetchTwice(url, directory)).containsExactly(CacheStatus.MISS, CacheStatus.HIT);
            assertThat(server.requestCount()).isEqualTo(1);
        }
    }

    @Test
    void theCassetteExampleReplaysWithTheServerGoneAndWritesNoSecret() throws IOException {
        Path file = directory.resolve("uuid.json");
        String url;
        String recorded;
        try (TestServer server = TestServer.start()) {
            url = server.url("/uuid?api_key=secret");
            recorded = CassetteExample.fetch(url, file, Cassette.Mode.RECORD);
        }

        assertThat(CassetteExample.fetch(url, file, Cassette.Mode.REPLAY)).isEqualTo(recorded);
        assertThat(recorded).contains("\"uuid\""); // a random value, the same again on replay
        assertThat(Files.readString(file))
                .contains("api_key=REDACTED", "\"Authorization\" : [ \"REDACTED\" ]")
                .doesNotContain("my-token", "api_key=secret");
    }
}
