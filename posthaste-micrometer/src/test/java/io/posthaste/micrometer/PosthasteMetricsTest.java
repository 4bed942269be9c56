package io.posthaste.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.posthaste.ClientConnectionException;
import io.posthaste.ClientResponseException;
import io.posthaste.ClientSession;
import io.posthaste.Response;
import io.posthaste.RetryPolicy;
import io.posthaste.StreamingResponse;
import io.posthaste.UriTemplate;
import io.posthaste.testing.MockResponse;
import io.posthaste.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every assertion reads the Prometheus text output of a real {@link PrometheusMeterRegistry}, as
 * a scraper would see it.
 */
class PosthasteMetricsTest {

    private static final String REQUESTS = "http_client_requests_seconds_count";
    private static final UriTemplate USER = new UriTemplate("/users/{id}");

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final PosthasteMetrics metrics =
            PosthasteMetrics.builder(registry).tags("client", "test").build();
    private TestServer server;
    private ClientSession session;

    @BeforeEach
    void start() {
        server = TestServer.start();
        session = metrics.instrument(ClientSession.builder()).build();
        metrics.bindPool(session, "main");
    }

    @AfterEach
    void stop() {
        session.close();
        server.close();
        registry.close();
    }

    private PrometheusScrape scrape() {
        return new PrometheusScrape(registry.scrape());
    }

    @Test
    void aCallIsTimedOnceByItsTemplateStatusOutcomeAndHostNeverByItsUrl() {
        session.get(server.url("/anything/users/7?secret=s3cr3t"))
                .tag(UriTemplate.class, USER)
                .send();
        session.get(server.url("/get?page=2")).send();

        PrometheusScrape scrape = scrape();
        assertThat(scrape.sum(
                        REQUESTS,
                        Map.of(
                                "method",
                                "GET",
                                "uri",
                                "/users/{id}",
                                "status",
                                "200",
                                "outcome",
                                "SUCCESS",
                                "exception",
                                "none",
                                "client_name",
                                "127.0.0.1",
                                "client",
                                "test")))
                .isEqualTo(1);
        assertThat(scrape.sum(REQUESTS, Map.of("uri", "none", "status", "200"))).isEqualTo(1);
        assertThat(scrape.sum(REQUESTS)).isEqualTo(2);
        assertThat(scrape.text()).doesNotContain("/users/7", "s3cr3t", "/get", "page=2");
    }

    @Test
    void redirectsAndRetriesMakeOneTimedCallWithTheFinalStatus() {
        session.get(server.url("/redirect/3"))
                .tag(UriTemplate.class, new UriTemplate("/redirect/{n}"))
                .send();
        server.enqueue(MockResponse.status(503));
        server.enqueue(MockResponse.status(503));
        session.get(server.url("/get"))
                .tag(UriTemplate.class, USER)
                .retryPolicy(RetryPolicy.builder()
                        .maxAttempts(3)
                        .initialBackoff(Duration.ZERO)
                        .retryOnStatus(Set.of(503))
                        .build())
                .send();

        PrometheusScrape scrape = scrape();
        assertThat(server.requestCount()).isEqualTo(4 + 3);
        assertThat(scrape.sum(REQUESTS, Map.of("uri", "/redirect/{n}", "status", "200")))
                .isEqualTo(1);
        assertThat(scrape.sum(REQUESTS, Map.of("uri", "/users/{id}", "status", "200")))
                .isEqualTo(1);
        assertThat(scrape.sum(REQUESTS)).isEqualTo(2);
    }

    @Test
    void aFailedCallIsTimedOnceWithItsExceptionAndAnErrorStatusWithItsCode() {
        assertThatThrownBy(() -> session.get(server.url("/status/404")).send())
                .isInstanceOf(ClientResponseException.class);
        String refused = server.url("/get");
        server.close();
        assertThatThrownBy(() -> session.get(refused).send()).isInstanceOf(ClientConnectionException.class);

        PrometheusScrape scrape = scrape();
        assertThat(scrape.sum(REQUESTS, Map.of("status", "404", "outcome", "CLIENT_ERROR", "exception", "none")))
                .isEqualTo(1);
        assertThat(scrape.sum(
                        REQUESTS,
                        Map.of(
                                "status",
                                "CLIENT_ERROR",
                                "outcome",
                                "UNKNOWN",
                                "exception",
                                "ClientConnectionException")))
                .isEqualTo(1);
        assertThat(scrape.sum(REQUESTS)).isEqualTo(2);
        assertThat(scrape.sum("posthaste_connect_seconds_count", Map.of("outcome", "FAILURE")))
                .isEqualTo(1);
    }

    @Test
    void aCancelledCallIsTimedOnceAsCancelled() throws Exception {
        CompletableFuture<Response> slow = session.get(server.url("/delay/5")).sendAsync();
        server.takeRequest();
        slow.cancel(true);

        awaitCount(Map.of("exception", "CancellationException"), 1);
        Thread.sleep(100); // nothing more arrives later
        PrometheusScrape scrape = scrape();
        assertThat(scrape.sum(
                        REQUESTS,
                        Map.of("exception", "CancellationException", "status", "CLIENT_ERROR", "outcome", "UNKNOWN")))
                .isEqualTo(1);
        assertThat(scrape.sum(REQUESTS)).isEqualTo(1);
        assertThatThrownBy(slow::join).isInstanceOf(CancellationException.class);
    }

    @Test
    void poolGaugesShowLeasedAndIdleConnectionsOfTheSession() throws IOException {
        try (StreamingResponse open = session.get(server.url("/get")).stream()) {
            assertThat(scrape().sum("posthaste_pool_connections", Map.of("session", "main", "state", "leased")))
                    .isEqualTo(1);
            open.body().readAllBytes();
        }
        // Closing hands the connection back on its event loop: the gauge follows a moment later.
        PrometheusScrape scrape = scrape();
        for (long deadline = System.nanoTime() + 2_000_000_000L;
                System.nanoTime() < deadline
                        && scrape.sum("posthaste_pool_connections", Map.of("session", "main", "state", "idle"))
                                != 1; ) {
            Thread.onSpinWait();
            scrape = scrape();
        }
        assertThat(scrape.sum("posthaste_pool_connections", Map.of("session", "main", "state", "leased")))
                .isZero();
        assertThat(scrape.sum("posthaste_pool_connections", Map.of("session", "main", "state", "idle")))
                .isEqualTo(1);
        assertThat(scrape.sum("posthaste_pool_connections", Map.of("state", "connecting")))
                .isZero();
        assertThat(scrape.sum("posthaste_pool_pending", Map.of("session", "main")))
                .isZero();
    }

    @Test
    void originGaugesShowEachOriginsConnectionsApart() throws IOException {
        try (TestServer other = TestServer.start()) {
            session.get(other.url("/get")).send();
            String busy = "http://127.0.0.1:" + server.port();
            String quiet = "http://127.0.0.1:" + other.port();
            try (StreamingResponse open = session.get(server.url("/get")).stream()) {
                PrometheusScrape scrape = scrape();
                assertThat(scrape.sum(
                                "posthaste_pool_origin_connections",
                                Map.of("session", "main", "origin", busy, "state", "leased")))
                        .isEqualTo(1);
                assertThat(scrape.sum(
                                "posthaste_pool_origin_connections",
                                Map.of("session", "main", "origin", quiet, "state", "leased")))
                        .isZero();
                assertThat(scrape.sum(
                                "posthaste_pool_origin_connections",
                                Map.of("session", "main", "origin", quiet, "state", "idle")))
                        .isEqualTo(1);
                assertThat(scrape.sum("posthaste_pool_origin_pending", Map.of("origin", busy)))
                        .isZero();
                open.body().readAllBytes();
            }
        }
    }

    @Test
    void noOriginGaugesWhenHostsAreNotBounded() {
        PrometheusMeterRegistry own = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        PosthasteMetrics unbounded =
                PosthasteMetrics.builder(own).hostTag(false).build();
        try (ClientSession crawler =
                unbounded.instrument(ClientSession.builder()).build()) {
            unbounded.bindPool(crawler, "crawler");
            crawler.get(server.url("/get")).send();

            PrometheusScrape scrape = new PrometheusScrape(own.scrape());
            assertThat(scrape.sum("posthaste_pool_connections", Map.of("session", "crawler", "state", "idle")))
                    .isEqualTo(1);
            assertThat(own.scrape()).doesNotContain("posthaste_pool_origin_connections");
        } finally {
            own.close();
        }
    }

    @Test
    void aCallThatWaitedForTheOnlyConnectionRecordsItsPoolWait() {
        try (ClientSession single = metrics.instrument(ClientSession.builder().maxConnectionsPerOrigin(1))
                .build()) {
            CompletableFuture<Response> first =
                    single.get(server.url("/delay/0.3")).sendAsync();
            CompletableFuture<Response> second = single.get(server.url("/get")).sendAsync();
            first.join();
            second.join();

            PrometheusScrape scrape = scrape();
            assertThat(scrape.sum("posthaste_pool_acquire_seconds_count")).isEqualTo(2);
            assertThat(scrape.sum("posthaste_pool_acquire_seconds_max")).isGreaterThanOrEqualTo(0.2);
            assertThat(scrape.text()).contains("posthaste_pool_acquire_seconds_bucket");
        }
    }

    @Test
    void connectsAndTlsHandshakesAreTimedOncePerConnection() {
        // HTTP/2 over TLS: both calls share one connection whichever thread makes them.
        try (TestServer tls = TestServer.builder().tls().http2().start();
                ClientSession secure = metrics.instrument(
                                ClientSession.builder().trustManager(tls.trustManager()))
                        .build()) {
            secure.get(tls.url("/get")).send();
            secure.get(tls.url("/get")).send(); // the same connection again
        }
        PrometheusScrape scrape = scrape();
        assertThat(scrape.sum("posthaste_connect_seconds_count", Map.of("outcome", "SUCCESS")))
                .isEqualTo(1);
        assertThat(scrape.sum("posthaste_tls_handshake_seconds_count", Map.of("outcome", "SUCCESS")))
                .isEqualTo(1);
        assertThat(scrape.sum("posthaste_tls_handshake_seconds_sum")).isPositive();
    }

    /**
     * A mixed workload, scraped once; the scrape is kept in {@code target/} for
     * {@code docs/OBSERVABILITY.md}.
     */
    @Test
    void aMixedWorkloadCountsEveryCallExactlyOnce() throws Exception {
        int calls = 0;
        for (int id = 1; id <= 3; id++) {
            session.get(server.url("/anything/users/" + id))
                    .tag(UriTemplate.class, USER)
                    .send();
            calls++;
        }
        session.post(server.url("/redirect-to?url=/get&status_code=303"))
                .tag(UriTemplate.class, new UriTemplate("/orders"))
                .json(Map.of("item", 1))
                .send();
        calls++;
        assertThatThrownBy(() -> session.get(server.url("/status/503"))
                        .tag(UriTemplate.class, new UriTemplate("/health"))
                        .send())
                .isInstanceOf(ClientResponseException.class);
        calls++;
        CompletableFuture<Response> cancelled =
                session.get(server.url("/delay/5")).sendAsync();
        server.takeRequest();
        cancelled.cancel(true);
        calls++;
        awaitCount(Map.of("exception", "CancellationException"), 1);

        PrometheusScrape scrape = scrape();
        assertThat(scrape.sum(REQUESTS)).isEqualTo(calls);
        assertThat(scrape.sum("posthaste_pool_acquire_seconds_count"))
                .as("every call that reached the pool but the cancelled one, whose failure has no timings")
                .isEqualTo(calls - 1);
        Path out = Path.of("target", "observability", "prometheus-scrape.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, scrape.text());
    }

    private void awaitCount(Map<String, String> labels, double expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (scrape().sum(REQUESTS, labels) < expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(scrape().sum(REQUESTS, labels)).isEqualTo(expected);
    }
}
