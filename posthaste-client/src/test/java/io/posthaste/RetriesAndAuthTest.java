package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posthaste.testing.MockResponse;
import io.posthaste.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RetriesAndAuthTest {

    private static final RetryPolicy QUICK = RetryPolicy.builder()
            .maxAttempts(3)
            .initialBackoff(Duration.ofMillis(10))
            .maxBackoff(Duration.ofSeconds(1))
            .build();

    TestServer server;
    ClientSession session;

    @BeforeEach
    void start() {
        server = TestServer.start();
        session = ClientSession.builder().retryPolicy(QUICK).build();
    }

    @AfterEach
    void stop() {
        session.close();
        server.close();
    }

    @Test
    void unavailableAnswersAreRetriedUntilOneSucceeds() {
        server.enqueue(MockResponse.status(503));
        server.enqueue(
                MockResponse.builder().status(429).header("Retry-After", "0").build());

        assertThat(session.get(server.url("/get")).send().status()).isEqualTo(200);
        assertThat(server.requestCount()).isEqualTo(3);
    }

    @Test
    void aRetryDueAfterTheSessionClosedEndsTheCallInsteadOfHanging() throws Exception {
        // The backoff outlives the session: the next attempt finds the loops stopped, with or
        // without a total deadline to arm, and must end the call rather than lose it.
        for (Duration total : new Duration[] {null, Duration.ofSeconds(30)}) {
            try (ClientSession slow = ClientSession.builder()
                    .retryPolicy(RetryPolicy.builder()
                            .maxAttempts(3)
                            .initialBackoff(Duration.ofMillis(300))
                            .build())
                    .build()) {
                server.enqueue(MockResponse.status(503));
                RequestBuilder get = slow.get(server.url("/get"));
                if (total != null) {
                    get.timeout(total);
                }
                CompletableFuture<Response> call = get.sendAsync();
                server.takeRequest();
                slow.close();
                assertThatThrownBy(() -> call.get(5, TimeUnit.SECONDS))
                        .as("total %s", total)
                        .hasCauseInstanceOf(ClientConnectionException.class);
            }
        }
    }

    @Test
    void retriesStopAtMaxAttemptsAndTheLastAnswerIsReturned() {
        for (int i = 0; i < 3; i++) {
            server.enqueue(MockResponse.status(503));
        }
        Response last = session.get(server.url("/x")).raiseForStatus(false).send();
        assertThat(last.status()).isEqualTo(503);
        assertThat(server.requestCount()).isEqualTo(3);
    }

    @Test
    void refusedConnectionsAreRetriedAndEachAttemptIsReported() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        assertThatThrownBy(() -> session.get("http://127.0.0.1:" + port + "/").send())
                .isInstanceOf(ClientConnectionException.class)
                .satisfies(e -> assertThat(e.getSuppressed()).hasSize(2));
    }

    @Test
    void aRaisedStatusAfterRetriesCarriesEachEarlierAnswerAndTheAttemptCount() {
        server.enqueue(MockResponse.builder().status(503).body("first").build());
        server.enqueue(MockResponse.builder()
                .status(429)
                .header("Retry-After", "0")
                .body("second")
                .build());
        server.enqueue(MockResponse.builder()
                .status(429)
                .header("Retry-After", "0")
                .body("third")
                .build());

        assertThatThrownBy(() -> session.get(server.url("/x")).send())
                .isInstanceOfSatisfying(ClientResponseException.class, e -> {
                    assertThat(e.status()).isEqualTo(429);
                    assertThat(e.bodyText()).isEqualTo("third");
                    assertThat(e.attempts()).isEqualTo(3);
                    assertThat(e.getSuppressed()).hasSize(2).allMatch(ClientResponseException.class::isInstance);
                    assertThat(e.getSuppressed())
                            .extracting(s -> ((ClientResponseException) s).bodyText())
                            .containsExactly("first", "second");
                })
                .hasMessageEndingWith("(after 3 attempts)");
    }

    @Test
    void aConnectionFailureAfterRetriesSaysHowManyAttemptsWereMade() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        assertThatThrownBy(() -> session.get("http://127.0.0.1:" + port + "/").send())
                .isInstanceOfSatisfying(ClientConnectionException.class, e -> {
                    assertThat(e.attempts()).isEqualTo(3);
                    assertThat(e.getSuppressed())
                            .hasSize(2)
                            .allSatisfy(earlier -> assertThat(((ClientException) earlier).attempts())
                                    .isEqualTo(1));
                })
                .hasMessageEndingWith("(after 3 attempts)");
    }

    @Test
    void aFailureThatWasNotRetriedCountsOneAttemptAndSaysNothingOfRetries() {
        assertThatThrownBy(() -> session.post(server.url("/status/503")).send())
                .isInstanceOfSatisfying(ClientResponseException.class, e -> {
                    assertThat(e.attempts()).isEqualTo(1);
                    assertThat(e.getSuppressed()).isEmpty();
                })
                .hasMessageNotContaining("attempts");
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void aStreamedAnswerThatIsRetriedGivesItsConnectionBackFirst() throws Exception {
        // One connection per origin: the second attempt gets one only if the first was released.
        try (ClientSession single = ClientSession.builder()
                .retryPolicy(QUICK)
                .maxConnectionsPerOrigin(1)
                .timeouts(Timeouts.builder().poolAcquire(Duration.ofSeconds(2)).build())
                .build()) {
            server.enqueue(
                    MockResponse.builder().status(503).body(new byte[4 << 20]).build());

            try (StreamingResponse response = single.get(server.url("/get")).raiseForStatus(false).stream()) {
                assertThat(response.status()).isEqualTo(200);
                response.body().readAllBytes();
            }
            ConnectionsAndTimeoutsTest.awaitIdle(single);
            assertThat(single.poolStats().leased()).isZero();
        }
    }

    @Test
    void postIsNotRetriedUnlessThePolicySaysSo() {
        server.enqueue(MockResponse.status(503));
        server.enqueue(MockResponse.status(503));
        assertThat(session.post(server.url("/post"))
                        .json(1)
                        .raiseForStatus(false)
                        .send()
                        .status())
                .isEqualTo(503);
        assertThat(server.requestCount()).isEqualTo(1);

        RetryPolicy anyMethod = RetryPolicy.builder()
                .maxAttempts(2)
                .initialBackoff(Duration.ZERO)
                .retryNonIdempotent(true)
                .build();
        assertThat(session.post(server.url("/post"))
                        .json(1)
                        .retryPolicy(anyMethod)
                        .send()
                        .status())
                .isEqualTo(200);
    }

    @Test
    void oneShotBodiesAreNeverRetried() {
        server.enqueue(MockResponse.status(503));
        assertThat(session.put(server.url("/put"))
                        .body(new ByteArrayInputStream(new byte[3]), null)
                        .raiseForStatus(false)
                        .send()
                        .status())
                .isEqualTo(503);
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void tooLongARetryAfterEndsTheRetries() {
        server.enqueue(
                MockResponse.builder().status(503).header("Retry-After", "3600").build());
        assertThat(session.get(server.url("/x")).raiseForStatus(false).send().status())
                .isEqualTo(503);
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void basicAndBearerAuthSetTheAuthorizationHeader() {
        session.get(server.url("/basic-auth/john/s3cret"))
                .basicAuth("john", "s3cret")
                .send();
        session.get(server.url("/bearer")).bearerAuth("tok").send();

        assertThat(server.takeRequest().header("Authorization")).isEqualTo("Basic am9objpzM2NyZXQ=");
        assertThat(server.takeRequest().header("Authorization")).isEqualTo("Bearer tok");
    }

    @Test
    void urlCredentialsBecomeBasicAuthAndNeverReachTheRequestLine() {
        String url = server.url("/basic-auth/john/pw").replace("http://", "http://john:pw@");
        assertThat(session.get(url).send().status()).isEqualTo(200);
        var seen = server.takeRequest();
        assertThat(seen.target()).isEqualTo("/basic-auth/john/pw");
        assertThat(seen.header("Authorization")).isEqualTo("Basic am9objpwdw==");
    }

    @Test
    void conflictingCredentialSourcesAreRejected() {
        String withUser = server.url("/get").replace("http://", "http://u:p@");
        assertThatThrownBy(() -> session.get(withUser).basicAuth("a", "b").send())
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageNotContaining(":p@");
        assertThatThrownBy(() -> session.get(server.url("/get"))
                        .header("Authorization", "x")
                        .bearerAuth("t")
                        .send())
                .isInstanceOf(InvalidRequestException.class);
        assertThat(server.requestCount()).isZero();
    }

    @Test
    void sessionCredentialsGoToTheBaseUrlsOriginOnly() {
        try (TestServer other = TestServer.start();
                ClientSession scoped = ClientSession.builder()
                        .baseUrl(server.url("/"))
                        .basicAuth("john", "s3cret")
                        .build()) {
            scoped.get("/basic-auth/john/s3cret").send();
            scoped.get(other.url("/get")).send();
            // Same host and scheme, different port: another origin.
            assertThat(server.takeRequest().header("Authorization")).isEqualTo("Basic am9objpzM2NyZXQ=");
            assertThat(other.takeRequest().header("Authorization")).isNull();
        }
    }

    @Test
    void aRequestsOwnCredentialsReplaceTheSessions() {
        try (ClientSession scoped = ClientSession.builder()
                .baseUrl(server.url("/"))
                .bearerAuth("session-token")
                .build()) {
            scoped.get("/bearer").bearerAuth("request-token").send();
            scoped.get("/get").header("Authorization", "Custom x").send();
            scoped.get(server.url("/get").replace("http://", "http://u:p@")).send();

            assertThat(server.takeRequest().header("Authorization")).isEqualTo("Bearer request-token");
            assertThat(server.takeRequest().header("Authorization")).isEqualTo("Custom x");
            assertThat(server.takeRequest().header("Authorization")).isEqualTo("Basic dTpw");
        }
    }

    @Test
    void sessionCredentialsNeedABaseUrlAndOneKind() {
        assertThatThrownBy(() -> ClientSession.builder().basicAuth("a", "b").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("baseUrl");
        assertThatThrownBy(() -> ClientSession.builder().basicAuth("a", "b").bearerAuth("t"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClientSession.builder()
                        .baseUrl(server.url("/"))
                        .header("Authorization", "x")
                        .bearerAuth("t")
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("conflict");
        assertThatThrownBy(() -> ClientSession.builder().basicAuth("a:b", "c"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClientSession.builder().bearerAuth("t\r\nX-Evil: 1"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("forbidden character");
    }

    @Test
    void sessionCredentialsAreNotSentAfterARedirectToAnotherOrigin() {
        try (TestServer other = TestServer.start();
                ClientSession scoped = ClientSession.builder()
                        .baseUrl(server.url("/"))
                        .basicAuth("john", "s3cret")
                        .build()) {
            server.enqueue(MockResponse.builder()
                    .status(302)
                    .header("Location", other.url("/get"))
                    .build());
            assertThat(scoped.get("/start").send().status()).isEqualTo(200);
            assertThat(server.takeRequest().header("Authorization")).isNotNull();
            assertThat(other.takeRequest().header("Authorization")).isNull();
        }
    }
}
