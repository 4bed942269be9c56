package io.posthaste;

import static io.posthaste.FaultsOnEveryPathTest.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.posthaste.testing.EventStreamEndpoint;
import io.posthaste.testing.Fault;
import io.posthaste.testing.MockResponse;
import io.posthaste.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ClientSession#close()} ends whatever is under way, on every protocol and in every kind
 * of call: an HTTP/3 answer awaited, a call waiting in the pool's queue, a streamed body being
 * read, a server-sent event stream, a WebSocket handshake. None is left waiting; each ends with
 * its kind's error within a few seconds. (FaultsOnEveryPathTest covers a call awaiting its
 * answer on every HTTP/1.1 and HTTP/2 path; HostResolverTest and RetriesAndAuthTest a look-up and
 * a backoff.)
 */
class SessionCloseTest {

    private static final long BOUND_SECONDS = 5;

    /** Every session a test opens: closed after it, whatever its assertions did. */
    private final List<ClientSession> sessions = new ArrayList<>();

    @AfterEach
    void closeSessions() {
        sessions.forEach(ClientSession::close);
    }

    private ClientSession open(ClientSession.Builder builder) {
        ClientSession session = builder.build();
        sessions.add(session);
        return session;
    }

    private static Throwable failureOf(CompletableFuture<?> call) throws Exception {
        try {
            call.get(BOUND_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("the call succeeded after the session closed");
    }

    @Test
    void anHttp3CallAwaitingItsAnswerFailsSayingTheSessionWasClosed() throws Exception {
        assumeTrue(TestServer.http3Available(), "no QUIC native library on this platform");
        try (TestServer server = TestServer.builder().http3().start()) {
            server.enqueue(MockResponse.builder().fault(Fault.STALL).build());
            ClientSession session =
                    open(ClientSession.builder().protocols(Protocol.HTTP_3).trustManager(server.trustManager()));
            CompletableFuture<Response> call = session.get(server.url("/slow")).sendAsync();
            await("the request reached the server", () -> server.requestCount() == 1);
            session.close();
            assertThat(failureOf(call))
                    .isInstanceOf(ClientConnectionException.class)
                    .hasMessageContaining("the session was closed");
        }
    }

    @Test
    void aCallQueuedForAConnectionFailsWithTheOneInFlight() throws Exception {
        try (TestServer server = TestServer.start()) {
            server.enqueue(MockResponse.builder().fault(Fault.STALL).build());
            ClientSession session = open(ClientSession.builder().maxConnectionsPerOrigin(1));
            CompletableFuture<Response> first = session.get(server.url("/slow")).sendAsync();
            await("the first request reached the server", () -> server.requestCount() == 1);
            CompletableFuture<Response> queued = session.get(server.url("/get")).sendAsync();
            await(
                    "the second call waits for the connection",
                    () -> session.poolStats().waiting() == 1);
            session.close();
            assertThat(failureOf(first)).isInstanceOf(ClientConnectionException.class);
            assertThat(failureOf(queued))
                    .isInstanceOf(ClientConnectionException.class)
                    .hasMessageContaining("the session was closed");
            assertThat(server.requestCount()).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "HTTP/2: {0}")
    @ValueSource(booleans = {false, true})
    void aStreamedBodyBeingReadFailsItsReadSayingTheSessionWasClosed(boolean http2) throws Exception {
        try (TestServer server = http2 ? TestServer.builder().http2().start() : TestServer.start()) {
            // Ten bytes now, the next ten in 30 s.
            server.enqueue(MockResponse.builder()
                    .body("x".repeat(1000))
                    .throttle(10, Duration.ofSeconds(30))
                    .build());
            ClientSession session = open(
                    http2 ? ClientSession.builder().protocols(Protocol.H2_PRIOR_KNOWLEDGE) : ClientSession.builder());
            StreamingResponse streaming = session.get(server.url("/trickle")).stream();
            InputStream body = streaming.body();
            assertThat(body.readNBytes(10)).hasSize(10);
            CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
                try {
                    return body.read();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            Thread.sleep(100); // the reader is waiting for bytes that never come
            session.close();
            assertThat(failureOf(read))
                    .isInstanceOf(UncheckedIOException.class)
                    .cause() // the reader's IOException, whose cause is the call's error
                    .cause()
                    .isInstanceOf(ClientConnectionException.class)
                    .hasMessageContaining("the session was closed");
            streaming.close();
        }
    }

    @Test
    void anOpenEventStreamEndsWhenTheSessionCloses() throws Exception {
        try (TestServer server = TestServer.start()) {
            server.mount(
                    "/feed",
                    EventStreamEndpoint.builder()
                            .event("1", null, "one")
                            .pause(Duration.ofSeconds(30))
                            .event("2", null, "two")
                            .build());
            ClientSession session = open(ClientSession.builder());
            EventStream stream = session.events(server.url("/feed")).open();
            Iterator<ServerSentEvent> events = stream.iterator();
            assertThat(events.next().data()).isEqualTo("one");
            CompletableFuture<Boolean> more = CompletableFuture.supplyAsync(events::hasNext);
            Thread.sleep(100); // waiting for the next event
            session.close();
            // At once, not after a reconnection delay that ends in the closed session's refusal.
            assertThat(failureOf(more))
                    .isInstanceOf(ClientConnectionException.class)
                    .hasMessageContaining("the session was closed");
            stream.close();
        }
    }

    @Test
    void aWebSocketHandshakeUnderWayFailsSayingTheSessionWasClosed() throws Exception {
        try (TestServer server = TestServer.start()) {
            server.enqueue(MockResponse.builder()
                    .status(101)
                    .headersDelay(Duration.ofSeconds(30))
                    .build());
            ClientSession session = open(ClientSession.builder());
            CompletableFuture<WebSocket> opening = session.websocket(
                            server.url("/slow").replaceFirst("^http", "ws"))
                    .connectAsync();
            server.takeRequest();
            session.close();
            assertThat(failureOf(opening))
                    .isInstanceOf(ClientConnectionException.class)
                    .hasMessageContaining("the session was closed");
        }
    }
}
