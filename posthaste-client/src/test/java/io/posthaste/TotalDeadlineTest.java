package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posthaste.testing.MockResponse;
import io.posthaste.testing.TestServer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code total} bounds the whole call — every redirect hop, every retry and every backoff wait —
 * and a retry never starts when its wait would outlast the deadline (security checklist 53;
 * issue 13, point 5). Each test is timed against the deadline with a small tolerance.
 */
class TotalDeadlineTest {

    private static final Duration TOTAL = Duration.ofMillis(1000);
    /** Scheduling slack allowed past the deadline on a loaded two-core machine. */
    private static final Duration SLACK = Duration.ofMillis(300);

    private static ClientSession session;

    @BeforeAll
    static void start() {
        session = ClientSession.builder()
                .timeouts(Timeouts.builder().total(TOTAL).build())
                .build();
    }

    @AfterAll
    static void stop() {
        session.close();
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    @Test
    void aRedirectChainWhoseHopsEachFitButTogetherDoNotTimesOutAtTheDeadline() {
        try (TestServer server = TestServer.start()) {
            for (int hop = 1; hop <= 3; hop++) {
                server.enqueue(MockResponse.builder()
                        .status(302)
                        .header("Location", "/hop" + (hop + 1))
                        .headersDelay(Duration.ofMillis(400))
                        .build());
            }
            server.enqueue(MockResponse.builder().body("too late").build());
            long started = System.nanoTime();
            assertThatThrownBy(() -> session.get(server.url("/hop1")).send())
                    .isInstanceOfSatisfying(
                            ClientTimeoutException.class,
                            e -> assertThat(e.phase()).isEqualTo(ClientTimeoutException.Phase.TOTAL));
            assertThat(since(started)).isBetween(TOTAL.minusMillis(50), TOTAL.plus(SLACK));
        }
    }

    @Test
    void anAttemptInFlightWhenTheDeadlinePassesFailsWithTheTotalTimeout() {
        try (TestServer server = TestServer.start()) {
            for (int i = 0; i < 4; i++) {
                server.enqueue(MockResponse.builder()
                        .status(503)
                        .headersDelay(Duration.ofMillis(600))
                        .build());
            }
            RetryPolicy retries = RetryPolicy.builder()
                    .maxAttempts(4)
                    .initialBackoff(Duration.ofMillis(100))
                    .multiplier(1)
                    .jitter(0)
                    .build();
            long started = System.nanoTime();
            assertThatThrownBy(() -> session.get(server.url("/slow"))
                            .retryPolicy(retries)
                            .send())
                    .isInstanceOfSatisfying(
                            ClientTimeoutException.class,
                            e -> assertThat(e.phase()).isEqualTo(ClientTimeoutException.Phase.TOTAL));
            assertThat(since(started)).isBetween(TOTAL.minusMillis(50), TOTAL.plus(SLACK));
            assertThat(server.requestCount())
                    .as("the first attempt and the one cut short")
                    .isEqualTo(2);
        }
    }

    @Test
    void aRetryWhoseBackoffWouldOutlastTheDeadlineIsNotMadeAndTheLastAnswerStands() {
        try (TestServer server = TestServer.start()) {
            for (int i = 0; i < 5; i++) {
                server.enqueue(MockResponse.builder()
                        .status(503)
                        .headersDelay(Duration.ofMillis(200))
                        .build());
            }
            RetryPolicy retries = RetryPolicy.builder()
                    .maxAttempts(5)
                    .initialBackoff(Duration.ofMillis(300))
                    .multiplier(1)
                    .jitter(0)
                    .build();
            long started = System.nanoTime();
            // 0-200 ms: 503; wait to 500; 500-700: 503; a wait to 1000 would reach the deadline.
            assertThatThrownBy(() -> session.get(server.url("/busy"))
                            .retryPolicy(retries)
                            .send())
                    .isInstanceOfSatisfying(
                            ClientResponseException.class,
                            e -> assertThat(e.status()).isEqualTo(503));
            assertThat(since(started)).isLessThan(TOTAL);
            assertThat(server.requestCount()).isEqualTo(2);
        }
    }

    @Test
    void aRetryAfterLongerThanWhatIsLeftIsNotWaitedFor() {
        try (TestServer server = TestServer.start()) {
            server.enqueue(MockResponse.builder()
                    .status(503)
                    .header("Retry-After", "2")
                    .build());
            server.enqueue(MockResponse.builder().body("late").build());
            RetryPolicy retries = RetryPolicy.builder()
                    .maxAttempts(3)
                    .maxBackoff(Duration.ofSeconds(5))
                    .build();
            long started = System.nanoTime();
            assertThatThrownBy(() -> session.get(server.url("/later"))
                            .retryPolicy(retries)
                            .send())
                    .isInstanceOfSatisfying(
                            ClientResponseException.class,
                            e -> assertThat(e.status()).isEqualTo(503));
            assertThat(since(started)).isLessThan(Duration.ofMillis(500));
            assertThat(server.requestCount()).isEqualTo(1);
        }
    }

    @Test
    void aStreamedBodyMustBeReadToItsEndWithinTheSameDeadline() throws Exception {
        try (TestServer server = TestServer.start()) {
            server.enqueue(MockResponse.builder()
                    .status(302)
                    .header("Location", "/body")
                    .headersDelay(Duration.ofMillis(500))
                    .build());
            server.enqueue(MockResponse.builder()
                    .body(new byte[64 * 1024])
                    .throttle(1024, Duration.ofMillis(50))
                    .build());
            long started = System.nanoTime();
            AtomicInteger read = new AtomicInteger();
            assertThatThrownBy(() -> {
                        try (StreamingResponse response = session.get(server.url("/start")).stream()) {
                            byte[] buffer = new byte[1024];
                            for (int n; (n = response.body().read(buffer)) > 0; ) {
                                read.addAndGet(n);
                            }
                        }
                    })
                    .isInstanceOf(java.io.IOException.class)
                    .hasRootCauseInstanceOf(ClientTimeoutException.class);
            assertThat(since(started)).isBetween(TOTAL.minusMillis(50), TOTAL.plus(SLACK));
            assertThat(read.get()).as("part of the body arrived").isPositive().isLessThan(64 * 1024);
        }
    }
}
