package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http2.Http2Error;
import io.posthaste.testing.Fault;
import io.posthaste.testing.Http2Options;
import io.posthaste.testing.MockResponse;
import io.posthaste.testing.RecordedRequest;
import io.posthaste.testing.TestServer;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * HTTP/2's faults on a busy connection: {@value #STREAMS} streams await their answers, which the
 * server writes one by one, while it resets some, leaves some unanswered, sends GOAWAY or cuts
 * the connection. Every answer must reach its own call, and every failure end its calls promptly,
 * naming what happened: over cleartext, over TLS, and on the paced path ({@link CallPath#H2C_PACED},
 * where the connection holds its next read after each read, as a busy one does in a trickle of
 * small reads).
 */
class Http2BusyConnectionTest {

    private static final int STREAMS = 64;

    /** Runs the test once on each HTTP/2 path: h2c, h2c with every read held, h2 over TLS. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @ParameterizedTest
    @EnumSource(
            value = CallPath.class,
            names = {"H2C", "H2C_PACED", "H2_TLS"})
    private @interface OnEveryHttp2Path {}

    /** A session of {@code path} that fails a call its server leaves unanswered after 2 s. */
    private static ClientSession session(CallPath path, TestServer server) {
        return path.session(server)
                .timeouts(Timeouts.builder().read(Duration.ofSeconds(2)).build())
                .build();
    }

    /**
     * Installs a dispatcher that answers each request with its method and path, unless
     * {@code fault} has another answer for it. It answers one request at a time, about 50 µs
     * apart, so that the answers leave as a trickle of small writes: the reads a connection
     * holds.
     */
    private static void answerEachWithItsPath(
            TestServer server, Function<RecordedRequest, MockResponse.Builder> fault) {
        server.dispatcher(request -> {
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(50));
            MockResponse.Builder special = fault.apply(request);
            return (special != null ? special : MockResponse.builder().body(request.method() + " " + request.path()))
                    .build();
        });
    }

    /** Starts {@value #STREAMS} calls, to {@code /n/0} and on, at once. */
    private static List<CompletableFuture<Response>> startMany(
            ClientSession session, TestServer server, String method) {
        List<CompletableFuture<Response>> calls = new ArrayList<>();
        for (int i = 0; i < STREAMS; i++) {
            RequestBuilder request = method.equals("POST")
                    ? session.post(server.url("/n/" + i)).body("x", "text/plain")
                    : session.get(server.url("/n/" + i));
            calls.add(request.sendAsync());
        }
        return calls;
    }

    /** Asserts that {@code outcome} is the answer to the {@code method} call to {@code /n/i}. */
    private static void assertOwnAnswer(Object outcome, String method, int i) {
        assertThat(outcome)
                .isInstanceOfSatisfying(
                        Response.class, response -> assertThat(response.text()).isEqualTo(method + " /n/" + i));
    }

    /** The call's response, or the exception it failed with; a call that hangs fails the test. */
    private static Object outcome(CompletableFuture<Response> call) throws Exception {
        try {
            return call.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("a call did not complete within 10 s: it hangs", e);
        }
    }

    @OnEveryHttp2Path
    void everyAnswerOfABusyConnectionReachesItsOwnCall(CallPath path) throws Exception {
        try (TestServer server = path.server().start();
                ClientSession session = session(path, server)) {
            answerEachWithItsPath(server, request -> null);
            for (int round = 0; round < 3; round++) {
                List<CompletableFuture<Response>> calls = startMany(session, server, "GET");

                for (int i = 0; i < STREAMS; i++) {
                    assertOwnAnswer(outcome(calls.get(i)), "GET", i);
                }
            }
            assertThat(server.connectionCount()).isEqualTo(1);
        }
    }

    @OnEveryHttp2Path
    void aGoAwayWhileManyStreamsAwaitAnswersSendsTheLeftOutOnesAgainEachOnce(CallPath path) throws Exception {
        try (TestServer server = path.server()
                        .http2(Http2Options.builder().goAwayAfterStreams(40).build())
                        .start();
                ClientSession session = session(path, server)) {
            answerEachWithItsPath(server, request -> null);

            List<CompletableFuture<Response>> calls = startMany(session, server, "POST");

            for (int i = 0; i < STREAMS; i++) {
                assertOwnAnswer(outcome(calls.get(i)), "POST", i);
            }
            assertThat(server.requestCount()).isEqualTo(STREAMS); // none processed twice
            assertThat(server.connectionCount()).isGreaterThan(1);
        }
    }

    @OnEveryHttp2Path
    void streamsResetAmongManyFailOnlyTheirOwnCallsNamingTheCode(CallPath path) throws Exception {
        try (TestServer server = path.server().start();
                ClientSession session = session(path, server)) {
            answerEachWithItsPath(
                    server,
                    request -> request.path().endsWith("0")
                            ? MockResponse.builder().resetStream(Http2Error.INTERNAL_ERROR)
                            : null);

            List<CompletableFuture<Response>> calls = startMany(session, server, "POST");

            for (int i = 0; i < STREAMS; i++) {
                Object outcome = outcome(calls.get(i));
                if (i % 10 == 0) {
                    assertThat(outcome)
                            .isInstanceOfSatisfying(
                                    ClientConnectionException.class,
                                    e -> assertThat(e.mayHaveBeenProcessed()).isTrue())
                            .asInstanceOf(InstanceOfAssertFactories.THROWABLE)
                            .hasMessageContaining("INTERNAL_ERROR (0x2)")
                            .hasMessageContaining("/n/" + i);
                } else {
                    assertOwnAnswer(outcome, "POST", i);
                }
            }
            assertThat(server.connectionCount()).isEqualTo(1); // a stream's reset spares the rest
        }
    }

    @OnEveryHttp2Path
    void aConnectionCutWhileManyStreamsAwaitAnswersEndsEveryCallAndTheNextCallsSucceed(CallPath path) throws Exception {
        try (TestServer server = path.server().start();
                ClientSession session = session(path, server)) {
            answerEachWithItsPath(
                    server,
                    request -> request.path().equals("/n/50") && server.connectionCount() == 1
                            ? MockResponse.builder().fault(Fault.RESET)
                            : null);

            List<CompletableFuture<Response>> calls = startMany(session, server, "POST");

            int failed = 0;
            for (int i = 0; i < STREAMS; i++) {
                Object outcome = outcome(calls.get(i));
                if (outcome instanceof Response) {
                    assertOwnAnswer(outcome, "POST", i);
                } else {
                    // Not sent again: a POST the server may have processed before the cut.
                    assertThat(outcome).isInstanceOf(ClientConnectionException.class);
                    failed++;
                }
            }
            assertThat(failed).isPositive();
            assertOwnAnswer(outcome(startMany(session, server, "GET").get(7)), "GET", 7);
        }
    }

    @OnEveryHttp2Path
    void streamsLeftUnansweredAmongManyTimeOutOnTimeWhileTheOthersAreAnswered(CallPath path) throws Exception {
        try (TestServer server = path.server().start();
                ClientSession session = session(path, server)) {
            answerEachWithItsPath(
                    server,
                    request -> request.path().endsWith("3")
                            ? MockResponse.builder().fault(Fault.STALL)
                            : null);
            long start = System.nanoTime();

            List<CompletableFuture<Response>> calls = startMany(session, server, "GET");

            for (int i = 0; i < STREAMS; i++) {
                Object outcome = outcome(calls.get(i));
                if (i % 10 == 3) {
                    assertThat(outcome)
                            .isInstanceOfSatisfying(
                                    ClientTimeoutException.class,
                                    e -> assertThat(e.phase()).isEqualTo(ClientTimeoutException.Phase.READ));
                } else {
                    assertOwnAnswer(outcome, "GET", i);
                }
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }
}
