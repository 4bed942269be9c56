package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;

import io.posthaste.testing.MockResponse;
import io.posthaste.testing.TestServer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** {@link ClientSession#poolStatsByOrigin()}: each origin's own counters, summing to the session's. */
class PoolStatsByOriginTest {

    @Test
    void eachOriginReportsItsOwnLeasedAndIdleConnections() throws Exception {
        try (TestServer busy = TestServer.start();
                TestServer quiet = TestServer.start();
                ClientSession session = ClientSession.create()) {
            session.get(quiet.url("/get")).send();
            busy.enqueue(MockResponse.builder()
                    .body("late")
                    .headersDelay(Duration.ofMillis(500))
                    .build());
            CompletableFuture<Response> slow = session.get(busy.url("/slow")).sendAsync();
            awaitLeased(session, origin(busy));

            Map<String, PoolStats> during = session.poolStatsByOrigin();
            assertThat(during)
                    .containsEntry(origin(busy), new PoolStats(1, 0, 0, 0))
                    .containsEntry(origin(quiet), new PoolStats(0, 1, 0, 0));
            assertThat(session.poolStats()).isEqualTo(new PoolStats(1, 1, 0, 0));

            slow.join();
            assertThat(session.poolStatsByOrigin()).containsEntry(origin(busy), new PoolStats(0, 1, 0, 0));
        }
    }

    @Test
    void anOriginWithoutConnectionsIsLeftOutAndTheMapCannotBeChanged() {
        try (TestServer server = TestServer.start();
                ClientSession session = ClientSession.create()) {
            assertThat(session.poolStatsByOrigin()).isEmpty();
            session.get(server.url("/get")).header("Connection", "close").send();

            Map<String, PoolStats> after = session.poolStatsByOrigin();
            assertThat(after).doesNotContainKey(origin(server));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> after.put("x", new PoolStats(0, 0, 0, 0)))
                    .isInstanceOf(UnsupportedOperationException.class);
        }
    }

    private static String origin(TestServer server) {
        return "http://127.0.0.1:" + server.port();
    }

    private static void awaitLeased(ClientSession session, String origin) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            PoolStats stats = session.poolStatsByOrigin().get(origin);
            if (stats != null && stats.leased() == 1) {
                return;
            }
            Thread.sleep(5);
        }
    }
}
