package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posthaste.testing.Fault;
import io.posthaste.testing.Http2Options;
import io.posthaste.testing.MockResponse;
import io.posthaste.testing.TestServer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A dead HTTP/2 connection is found by PING (issue 14, failure semantics): with a PING interval,
 * even while idle in the pool; without one, as soon as a stream waited longer than its read
 * timeout. No ACK within the read timeout closes the connection: its other streams fail saying
 * so, and idempotent ones on a reused connection go again on a fresh one.
 */
class Http2PingTest {

    private static final Duration READ = Duration.ofMillis(300);

    private static TestServer server(boolean answerPings) {
        Http2Options.Builder options = Http2Options.builder();
        if (!answerPings) {
            options.neverAnswerPings();
        }
        return TestServer.builder().http2(options.build()).start();
    }

    private static ClientSession.Builder session() {
        return ClientSession.builder()
                .protocols(Protocol.H2_PRIOR_KNOWLEDGE)
                .timeouts(Timeouts.builder().read(READ).build());
    }

    private static void awaitNoConnection(ClientSession session) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (session.poolStats().idle() + session.poolStats().leased() > 0) {
            assertThat(System.nanoTime())
                    .as("the dead connection left the pool: " + session.poolStats())
                    .isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void aPingIntervalFindsAnIdleConnectionWhosePeerNeverAnswersAndClosesIt() throws Exception {
        try (TestServer server = server(false);
                ClientSession session =
                        session().http2PingInterval(Duration.ofMillis(100)).build()) {
            assertThat(session.get(server.url("/get")).send().status()).isEqualTo(200);

            // 100 ms of silence, then a PING nobody answers for the read timeout: about 400 ms.
            awaitNoConnection(session);
            assertThat(session.get(server.url("/get")).send().status()).isEqualTo(200);
            assertThat(server.connectionCount()).isEqualTo(2);
        }
    }

    @Test
    void answeredPingsKeepAnIdleConnectionAndNoneIsSentByDefault() throws Exception {
        for (Duration interval : new Duration[] {Duration.ofMillis(100), null}) {
            // A server that never answers proves no PING went out when none is configured.
            try (TestServer server = server(interval != null);
                    ClientSession session =
                            session().http2PingInterval(interval).build()) {
                assertThat(session.get(server.url("/get")).send().status()).isEqualTo(200);
                Thread.sleep(4 * READ.toMillis());

                assertThat(session.poolStats().idle())
                        .as("interval " + interval)
                        .isEqualTo(1);
                assertThat(session.get(server.url("/get")).send().status()).isEqualTo(200);
                assertThat(server.connectionCount()).as("interval " + interval).isEqualTo(1);
            }
        }
    }

    @Test
    void aStreamPastItsReadTimeoutPingsAndAnUnansweredPingFailsTheOtherStreamsSayingSo() throws Exception {
        Timeouts patient = Timeouts.builder().read(Duration.ofSeconds(10)).build();
        try (TestServer server = server(false);
                ClientSession session = session().build()) {
            assertThat(session.get(server.url("/get")).send().status()).isEqualTo(200);
            server.enqueue(MockResponse.builder().fault(Fault.STALL).build());
            CompletableFuture<Response> stalled =
                    session.get(server.url("/stalled")).sendAsync();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (server.requestCount() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
            long start = System.nanoTime();
            CompletableFuture<Response> post = session.post(server.url("/delay/3"))
                    .timeouts(patient)
                    .body("x", "text/plain")
                    .sendAsync();
            CompletableFuture<Response> get =
                    session.get(server.url("/delay/1")).timeouts(patient).sendAsync();

            assertThatThrownBy(stalled::join).hasCauseInstanceOf(ClientTimeoutException.class);
            assertThatThrownBy(post::join)
                    .cause()
                    .isInstanceOfSatisfying(
                            ClientConnectionException.class,
                            e -> assertThat(e.mayHaveBeenProcessed()).isTrue())
                    .hasMessageContaining("no PING ACK within");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
                    .as("found dead after about two read timeouts, not the POST's own 10 s")
                    .isLessThan(2500);
            assertThat(get.join().status())
                    .as("the GET went again on a fresh connection")
                    .isEqualTo(200);
            assertThat(server.connectionCount()).isEqualTo(2);
        }
    }
}
