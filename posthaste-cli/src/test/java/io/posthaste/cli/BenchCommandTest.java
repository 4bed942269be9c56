package io.posthaste.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.posthaste.Response;
import io.posthaste.testing.TestServer;
import io.posthaste.testing.TestServerExtension;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code posthaste bench}: sends exactly the requests asked for, at the concurrency asked for,
 * counts every answer and error once, and reports them as text or one JSON object.
 */
class BenchCommandTest {

    @RegisterExtension
    static final TestServerExtension SERVER = TestServerExtension.perTest();

    private static TestServer server() {
        return SERVER.server();
    }

    private static JsonNode json(Cli.Result result) throws Exception {
        assertThat(result.exitCode()).as(result.err()).isZero();
        return new ObjectMapper().readTree(result.out());
    }

    @Test
    void sendsExactlyTheRequestsAskedForAndCountsEveryAnswer() throws Exception {
        JsonNode report = json(Cli.piped().run("bench", "-n", "500", "-c", "16", "--json", server().url("/get")));
        assertThat(report.get("requests").asLong()).isEqualTo(500);
        assertThat(report.get("status").get("200").asLong()).isEqualTo(500);
        assertThat(report.get("errors").size()).isZero();
        assertThat(server().requestCount()).as("what reached the server").isEqualTo(500);
        assertThat(report.get("rps").asDouble()).isPositive();
        JsonNode latency = report.get("latency_ms");
        assertThat(latency.get("p50").asDouble())
                .isPositive()
                .isLessThanOrEqualTo(latency.get("p90").asDouble());
        assertThat(latency.get("p99").asDouble())
                .isLessThanOrEqualTo(latency.get("max").asDouble());
        assertThat(report.get("cpu_us_per_request").asDouble()).isPositive();
        assertThat(report.get("body_bytes").asLong()).isPositive();
    }

    @Test
    void neverHasMoreRequestsInFlightThanTheConcurrency() throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        ScheduledExecutorService later = Executors.newScheduledThreadPool(2);
        try {
            LoadRun run = new LoadRun(
                    () -> {
                        most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                        CompletableFuture<Response> answer = new CompletableFuture<>();
                        later.schedule(
                                () -> {
                                    inFlight.decrementAndGet();
                                    answer.completeExceptionally(new IllegalStateException("answered"));
                                },
                                1,
                                TimeUnit.MILLISECONDS);
                        return answer;
                    },
                    3,
                    120,
                    Long.MAX_VALUE);
            assertThat(run.run().requests()).isEqualTo(120);
        } finally {
            later.shutdownNow();
        }
        assertThat(most.get()).as("kept busy, never over").isEqualTo(3);
    }

    @Test
    void runsForTheDurationAskedForWhenGivenOne() throws Exception {
        long start = System.nanoTime();
        JsonNode report = json(Cli.piped().run("bench", "-d", "400ms", "-c", "4", "--json", server().url("/get")));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(report.get("seconds").asDouble()).isBetween(0.35, 3.0);
        assertThat(seconds).isLessThan(10);
        assertThat(report.get("requests").asLong()).isPositive();
    }

    @Test
    void countsStatusCodesAndSendsTheBodyOfTheRequestSyntax() throws Exception {
        JsonNode report = json(Cli.piped()
                .run("bench", "-n", "20", "-c", "2", "--json", "POST", server().url("/status/503"), "name=posthaste"));
        assertThat(report.get("status").get("503").asLong()).isEqualTo(20);
        assertThat(new String(server().takeRequest().body(), StandardCharsets.UTF_8))
                .contains("\"name\"")
                .contains("posthaste");
    }

    @Test
    void countsErrorsByKindAndStillReports() throws Exception {
        JsonNode report =
                json(Cli.piped().run("bench", "-n", "30", "-c", "4", "--json", "http://127.0.0.1:9/unreachable"));
        assertThat(report.get("requests").asLong()).isEqualTo(30);
        assertThat(report.get("errors").get("ClientConnectionException").asLong())
                .isEqualTo(30);
        assertThat(report.get("status").size()).isZero();
    }

    @Test
    void printsPercentilesAHistogramAndStatusCodesForPeople() {
        Cli.Result result = Cli.piped().run("bench", "-n", "50", "-c", "5", server().url("/get"));
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out())
                .contains("50 requests in")
                .contains("requests/s")
                .contains("p50")
                .contains("p99.9")
                .contains("histogram")
                .contains("200: 50")
                .contains("client CPU");
    }

    @Test
    void refusesContradictoryOrImpossibleSettingsWithAUsageError() {
        assertThat(Cli.piped()
                        .run("bench", "-n", "5", "-d", "1s", server().url("/get"))
                        .exitCode())
                .isEqualTo(ExitCode.USAGE);
        assertThat(Cli.piped().run("bench", "-c", "0", server().url("/get")).exitCode())
                .isEqualTo(ExitCode.USAGE);
        Cli.Result badDuration = Cli.piped().run("bench", "-d", "soon", server().url("/get"));
        assertThat(badDuration.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(badDuration.err()).contains("10s");
    }

    @Test
    void aRunOfInstantFailuresDoesNotDeepenTheStack() {
        // Every send fails before it is sent: the loop must count them without recursing.
        LoadRun run = new LoadRun(
                () -> CompletableFuture.failedFuture(new IllegalStateException("no")), 1, 200_000, Long.MAX_VALUE);
        LoadRun.Result result;
        try {
            result = run.run();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertThat(result.requests()).isEqualTo(200_000);
        assertThat(result.errors()).containsEntry("java.lang.IllegalStateException", 200_000L);
    }
}
