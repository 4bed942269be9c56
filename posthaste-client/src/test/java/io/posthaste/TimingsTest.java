package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;

import io.posthaste.testing.MockResponse;
import io.posthaste.testing.TestServer;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@link Response#timings()} against a real server: a new connection shows what opening it took
 * and a reused one shows none, each delay the server makes lands in its own phase, and the call's
 * total and counts take in every redirect hop and retry.
 */
class TimingsTest {

    private static final Duration DELAY = Duration.ofMillis(150);
    /**
     * A body delay starts on the server once it has written the head, a little before the client
     * has decoded it: the body's read may seem this much shorter than the delay.
     */
    private static final Duration HEAD_IN_FLIGHT = Duration.ofMillis(20);

    @Test
    void aFreshConnectionShowsItsConnectAndAReusedOneShowsNothingOfOpening() {
        try (TestServer server = TestServer.start();
                ClientSession session = ClientSession.create()) {
            Timings fresh = session.get(server.url("/get")).send().timings();
            Timings reused = session.get(server.url("/get")).send().timings();

            assertThat(fresh.connectionReused()).isFalse();
            assertThat(fresh.connect()).isPositive();
            assertThat(fresh.dns()).as("an IP literal needs no look-up").isZero();
            assertThat(fresh.tls()).as("cleartext").isZero();
            assertThat(reused.connectionReused()).isTrue();
            assertThat(reused.dns()).isZero();
            assertThat(reused.connect()).isZero();
            assertThat(reused.tls()).isZero();
            assertThat(reused.total()).isPositive();
            assertThat(reused.attempts()).isEqualTo(1);
            assertThat(reused.redirects()).isZero();
        }
    }

    @Test
    void aFreshTlsConnectionShowsItsLookUpConnectAndHandshake() {
        try (TestServer server = TestServer.builder().tls().start();
                ClientSession session = ClientSession.builder()
                        .trustManager(server.trustManager())
                        .build()) {
            Timings fresh = session.get(server.url("/get")).send().timings();

            assertThat(fresh.connectionReused()).isFalse();
            assertThat(fresh.dns()).as("localhost is looked up").isPositive();
            assertThat(fresh.connect()).isPositive();
            assertThat(fresh.tls()).isPositive();
            assertThat(fresh.total())
                    .isGreaterThanOrEqualTo(fresh.dns().plus(fresh.connect()).plus(fresh.tls()));
        }
    }

    @Test
    void aServerThatWaitsBeforeItsHeadShowsTheWaitAsTimeToFirstByte() {
        try (TestServer server = TestServer.start();
                ClientSession session = ClientSession.create()) {
            server.enqueue(
                    MockResponse.builder().body("late").headersDelay(DELAY).build());
            Timings timings = session.get(server.url("/slow")).send().timings();

            assertThat(timings.timeToFirstByte()).isGreaterThanOrEqualTo(DELAY);
            assertThat(timings.bodyRead()).isLessThan(DELAY);
            assertThat(timings.total()).isGreaterThanOrEqualTo(timings.timeToFirstByte());
        }
    }

    @Test
    void aServerThatWaitsBetweenHeadAndBodyShowsTheWaitAsBodyRead() {
        try (TestServer server = TestServer.start();
                ClientSession session = ClientSession.create()) {
            server.enqueue(MockResponse.builder().body("late").bodyDelay(DELAY).build());
            Timings timings = session.get(server.url("/slow")).send().timings();

            assertThat(timings.bodyRead()).isGreaterThanOrEqualTo(DELAY.minus(HEAD_IN_FLIGHT));
            assertThat(timings.timeToFirstByte()).isLessThan(DELAY);
            assertThat(timings.total()).isGreaterThanOrEqualTo(timings.bodyRead());
        }
    }

    @Test
    void aStreamedBodyShowsItsReadOnlyOnceItHasEnded() throws IOException {
        try (TestServer server = TestServer.start();
                ClientSession session = ClientSession.create()) {
            server.enqueue(MockResponse.builder().body("late").bodyDelay(DELAY).build());
            try (StreamingResponse response = session.get(server.url("/slow")).stream()) {
                Timings atHead = response.timings();
                assertThat(atHead.bodyRead()).isZero();
                assertThat(atHead.attempts()).isEqualTo(1);

                response.body().readAllBytes();
                Timings atEnd = response.timings();
                assertThat(atEnd.bodyRead()).isGreaterThanOrEqualTo(DELAY.minus(HEAD_IN_FLIGHT));
                assertThat(atEnd.total()).isGreaterThan(atHead.total()).isGreaterThanOrEqualTo(atEnd.bodyRead());
            }
        }
    }

    @Test
    void aRedirectChainCountsEveryHopInTheTotalAndTheAttempts() {
        try (TestServer server = TestServer.start();
                ClientSession session = ClientSession.create()) {
            server.enqueue(MockResponse.builder()
                    .status(302)
                    .header("Location", "/two")
                    .headersDelay(DELAY)
                    .build());
            server.enqueue(MockResponse.builder()
                    .status(302)
                    .header("Location", "/three")
                    .headersDelay(DELAY)
                    .build());
            server.enqueue(
                    MockResponse.builder().body("here").headersDelay(DELAY).build());
            Response response = session.get(server.url("/one")).send();
            Timings timings = response.timings();

            assertThat(response.history()).hasSize(2);
            assertThat(timings.redirects()).isEqualTo(2);
            assertThat(timings.attempts()).isEqualTo(3);
            assertThat(timings.total()).isGreaterThanOrEqualTo(DELAY.multipliedBy(3));
            assertThat(timings.timeToFirstByte()).as("the last hop's own").isLessThan(DELAY.multipliedBy(2));
            Timings firstHop = response.history().get(0).timings();
            assertThat(firstHop.attempts()).isEqualTo(1);
            assertThat(firstHop.redirects()).isZero();
            assertThat(firstHop.timeToFirstByte()).isGreaterThanOrEqualTo(DELAY);
        }
    }

    @Test
    void aRetriedCallCountsEachAttempt() {
        RetryPolicy retry = RetryPolicy.builder()
                .maxAttempts(3)
                .initialBackoff(Duration.ofMillis(10))
                .build();
        try (TestServer server = TestServer.start();
                ClientSession session =
                        ClientSession.builder().retryPolicy(retry).build()) {
            server.enqueue(MockResponse.status(503));
            server.enqueue(MockResponse.status(503));
            Timings timings = session.get(server.url("/get")).send().timings();

            assertThat(timings.attempts()).isEqualTo(3);
            assertThat(timings.redirects()).isZero();
            assertThat(server.requestCount()).isEqualTo(3);
        }
    }

    @Test
    void aResponseNoServerSentReportsNoPhaseAndNoAttempt() {
        try (ClientSession session = ClientSession.create()) {
            Request request = session.get("http://example.test/").build();
            Timings timings = Response.of(request, 200, "OK", "HTTP/1.1", Headers.empty(), new byte[0])
                    .timings();

            assertThat(timings.total()).isZero();
            assertThat(timings.attempts()).isZero();
            assertThat(timings.connectionReused()).isFalse();
        }
    }

    @Test
    void theTimingsPrintOnOneLineInMilliseconds() {
        try (TestServer server = TestServer.start();
                ClientSession session = ClientSession.create()) {
            String line = session.get(server.url("/get")).send().timings().toString();

            assertThat(line)
                    .doesNotContain("\n")
                    .startsWith("Timings[pool ")
                    .contains(" ms, dns ")
                    .contains("ttfb ")
                    .contains("total ")
                    .contains("new connection, attempts 1, redirects 0]");
        }
    }

    @Test
    void aCallThatTimesOutWaitingForTheHeadCarriesItsTimingsOnTheException() {
        try (TestServer server = TestServer.start();
                ClientSession session = ClientSession.create()) {
            server.enqueue(MockResponse.builder()
                    .body("late")
                    .headersDelay(Duration.ofSeconds(2))
                    .build());

            ClientTimeoutException failure = org.assertj.core.api.Assertions.catchThrowableOfType(
                    ClientTimeoutException.class,
                    () -> session.get(server.url("/slow"))
                            .timeouts(Timeouts.builder().read(DELAY).build())
                            .send());

            Timings timings = failure.timings();
            assertThat(timings.connectionReused()).isFalse();
            assertThat(timings.connect()).isPositive();
            assertThat(timings.timeToFirstByte()).as("no head came").isZero();
            assertThat(timings.total()).isGreaterThanOrEqualTo(DELAY);
            assertThat(timings.attempts()).isEqualTo(1);
        }
    }

    @Test
    void aRaisedStatusCarriesItsResponsesTimingsAndAnInvalidRequestNone() {
        try (TestServer server = TestServer.start();
                ClientSession session = ClientSession.create()) {
            server.enqueue(
                    MockResponse.builder().status(503).headersDelay(DELAY).build());

            ClientResponseException raised = org.assertj.core.api.Assertions.catchThrowableOfType(
                    ClientResponseException.class,
                    () -> session.get(server.url("/down")).send());
            InvalidRequestException invalid = org.assertj.core.api.Assertions.catchThrowableOfType(
                    InvalidRequestException.class,
                    () -> session.get("ftp://example.com/").send());

            assertThat(raised.timings().timeToFirstByte()).isGreaterThanOrEqualTo(DELAY);
            assertThat(raised.timings().total()).isGreaterThanOrEqualTo(DELAY);
            assertThat(invalid.timings()).isEqualTo(Timings.NONE);
        }
    }
}
