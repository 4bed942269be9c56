package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http2.Http2Error;
import io.posthaste.testing.Dispatcher;
import io.posthaste.testing.Http2Fault;
import io.posthaste.testing.Http2Options;
import io.posthaste.testing.MockResponse;
import io.posthaste.testing.RecordedRequest;
import io.posthaste.testing.TestServer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Hostile HTTP/2 servers (security): each attack ends in a connection error within a bounded
 * time, with memory bounded by the codec's and our limits; the call fails with a
 * {@link ClientConnectionException} naming the HTTP/2 error, and the connection leaves the pool
 * (the leak checker sees no buffer, socket or thread left behind).
 */
class Http2HostileServerTest {

    /** Far less than the floods would take to run their course, far more than noticing takes. */
    private static final long BOUND_MILLIS = 3000;

    /**
     * Makes {@code builder} speak HTTP/2 as this suite's sessions do: by prior knowledge; the
     * suite's subclass adds paced reads.
     */
    ClientSession.Builder http2(ClientSession.Builder builder) {
        return builder.protocols(Protocol.H2_PRIOR_KNOWLEDGE);
    }

    private ClientSession session() {
        return http2(ClientSession.builder())
                .timeouts(Timeouts.builder().read(Duration.ofMillis(500)).build())
                .build();
    }

    private static void assertConnectionErrorWithinBound(TestServer server, ClientSession session, String error)
            throws InterruptedException {
        long start = System.nanoTime();
        assertThatThrownBy(() -> session.get(server.url("/attack")).send())
                .isInstanceOf(ClientConnectionException.class)
                .hasMessageContaining("HTTP/2 connection error " + error);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(BOUND_MILLIS);
        awaitNoConnection(session);
    }

    /** Answers {@code /attack} with {@code fault}, anything else from the echo routes. */
    private static Dispatcher attackWith(Http2Fault fault) {
        return request -> request.path().equals("/attack")
                ? MockResponse.builder().http2Fault(fault).build()
                : Dispatcher.echo().dispatch(request);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("timed out waiting until " + what).isLessThan(deadline);
            Thread.sleep(2);
        }
    }

    private static void awaitNoConnection(ClientSession session) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (session.poolStats().idle() + session.poolStats().leased() > 0) {
            assertThat(System.nanoTime())
                    .as("the connection left the pool: " + session.poolStats())
                    .isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    /**
     * CVE-2024-27316 / CVE-2024-24549 (the CONTINUATION flood): a header block that never ends,
     * one tiny CONTINUATION after another. Netty cuts it off after a few small fragments
     * (ENHANCE_YOUR_CALM), long before the header list limit, so the block held stays tiny.
     */
    @Test
    void aContinuationFloodIsAConnectionErrorNotAnEndlessHeaderBlock() throws Exception {
        try (TestServer server = TestServer.builder().http2().start();
                ClientSession session = session()) {
            server.enqueue(MockResponse.builder()
                    .http2Fault(Http2Fault.CONTINUATION_FLOOD)
                    .build());
            assertConnectionErrorWithinBound(server, session, "ENHANCE_YOUR_CALM");
        }
    }

    /**
     * CVE-2019-9515 (SETTINGS flood): every SETTINGS frame costs an ACK. Netty bounds only the
     * ACKs left unwritten; our own limit ({@code H2Frames.MAX_CONTROL_FRAMES} per 10 s) ends a
     * peer that reads its ACKs too.
     */
    @Test
    void aSettingsFloodIsAConnectionErrorAfterAThousandFrames() throws Exception {
        try (TestServer server = TestServer.builder().http2().start();
                ClientSession session = session()) {
            server.enqueue(
                    MockResponse.builder().http2Fault(Http2Fault.SETTINGS_FLOOD).build());
            assertConnectionErrorWithinBound(server, session, "ENHANCE_YOUR_CALM");
        }
    }

    /**
     * CVE-2019-9512 (PING flood): every PING costs an ACK. Netty bounds only the ACKs left
     * unwritten; past {@code H2Frames.MAX_CONTROL_FRAMES} PINGs and SETTINGS in 10 s the connection
     * is cut off (ENHANCE_YOUR_CALM, naming the flood), so a thousand ACKs at most are ever owed.
     * Every call on the connection fails with it, the one that was waiting for its answer too;
     * none hangs.
     */
    @Test
    void aPingFloodClosesTheConnectionNamingItAndFailsItsCalls() throws Exception {
        try (TestServer server = TestServer.builder()
                        .http2()
                        .dispatcher(attackWith(Http2Fault.PING_FLOOD))
                        .start();
                ClientSession session = session()) {
            CompletableFuture<Response> waiting = session.get(server.url("/delay/10"))
                    .timeouts(Timeouts.builder().read(Duration.ofSeconds(30)).build())
                    .sendAsync();
            await("the waiting call reached the server", () -> server.requestCount() == 1);

            long start = System.nanoTime();
            String named = "HTTP/2 connection error ENHANCE_YOUR_CALM: more than 1000 SETTINGS and PING frames in"
                    + " 10 s (a PING flood)";
            assertThatThrownBy(() -> session.get(server.url("/attack")).send())
                    .isInstanceOf(ClientConnectionException.class)
                    .hasMessageContaining(named);
            assertThatThrownBy(() -> waiting.get(BOUND_MILLIS, TimeUnit.MILLISECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(ClientConnectionException.class)
                    .hasMessageContaining(named);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(BOUND_MILLIS);
            awaitNoConnection(session);
            assertThat(server.connectionCount())
                    .as("both calls were on one connection")
                    .isEqualTo(1);
        }
    }

    /**
     * CVE-2019-9518 (empty frames flood): DATA frames that carry nothing and never end the stream
     * cost a frame's work each and deliver no byte. Netty's decoder allows two in a row; the third
     * is a connection error (ENHANCE_YOUR_CALM), long before the read timeout could notice.
     */
    @Test
    void anEmptyDataFloodIsAConnectionErrorNotAnEndlessBody() throws Exception {
        try (TestServer server = TestServer.builder().http2().start();
                ClientSession session = session()) {
            server.enqueue(MockResponse.builder()
                    .http2Fault(Http2Fault.EMPTY_DATA_FLOOD)
                    .build());
            assertConnectionErrorWithinBound(server, session, "ENHANCE_YOUR_CALM");
        }
    }

    /**
     * RFC 9113 section 6.5.2: a response header list over {@code maxResponseHeaderSize} (as
     * SETTINGS_MAX_HEADER_LIST_SIZE counts it) fails its call naming the setting. HPACK's decoder
     * keeps decoding such a block, so that both ends' tables stay in step, but keeps no field past
     * the limit: the stream alone fails and the connection serves the next request. A block that
     * is itself more than a quarter over the limit is not even decoded: the connection must go
     * (its table can no longer be trusted), and the next request gets a new one.
     */
    @Test
    void aResponseHeaderListOverTheLimitFailsItsCallNamingTheLimit() throws Exception {
        try (TestServer server = TestServer.builder().http2().start();
                ClientSession session = ClientSession.builder()
                        .protocols(Protocol.H2_PRIOR_KNOWLEDGE)
                        .maxResponseHeaderSize(8 * 1024)
                        .build()) {
            server.enqueue(MockResponse.builder()
                    .header("X-Big", "v".repeat(9 * 1024))
                    .body("x")
                    .build());
            assertThatThrownBy(() -> session.get(server.url("/big")).send())
                    .isInstanceOf(ClientPayloadException.class)
                    .hasMessageContaining("response header list over maxResponseHeaderSize (8192 bytes)");
            assertThat(session.get(server.url("/get")).send().status()).isEqualTo(200);
            assertThat(server.connectionCount()).as("the same connection").isEqualTo(1);

            server.enqueue(MockResponse.builder()
                    .header("X-Big", "v".repeat(64 * 1024))
                    .body("x")
                    .build());
            assertThatThrownBy(() -> session.get(server.url("/bigger")).send())
                    .isInstanceOf(ClientConnectionException.class)
                    .hasMessageContaining("response header block over maxResponseHeaderSize (8192 bytes)");
            assertThat(session.get(server.url("/get")).send().status()).isEqualTo(200);
            assertThat(server.connectionCount()).as("a new connection").isEqualTo(2);
        }
    }

    /**
     * An HPACK bomb: one field put in the dynamic table, then referenced a byte at a time, so that
     * a block of 36 KiB decodes to a 126 MiB header list. It fails its call as any list over
     * {@code maxResponseHeaderSize} does, within the time bound, and the connection stays usable,
     * its HPACK tables in step. The client never holds what the list decodes to: in a JVM of its
     * own with a 32 MiB heap it refuses the bomb, allocating less than a quarter of the list's
     * size while it does ({@link HpackBombInACappedHeap}).
     */
    @Test
    void anHpackBombFailsItsCallFastWithoutDecodingTheListIntoMemory() throws Exception {
        try (TestServer server = TestServer.builder()
                        .http2()
                        .dispatcher(attackWith(Http2Fault.HPACK_BOMB))
                        .start();
                ClientSession session = session()) {
            assertThat(session.get(server.url("/get")).send().status()).isEqualTo(200); // connected
            long start = System.nanoTime();
            assertThatThrownBy(() -> session.get(server.url("/attack")).send())
                    .isInstanceOf(ClientPayloadException.class)
                    .hasMessageContaining("response header list over maxResponseHeaderSize (65536 bytes)");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(BOUND_MILLIS);
            assertThat(session.get(server.url("/get")).send().status()).isEqualTo(200);
            assertThat(server.connectionCount()).isEqualTo(1);

            CappedJvm.withHeapMiB(32).run(HpackBombInACappedHeap.class, server.url("/"));
        }
    }

    /**
     * The client side of {@link #anHpackBombFailsItsCallFastWithoutDecodingTheListIntoMemory}, in
     * a JVM of its own: only the client allocates there, and no paranoid leak detector records
     * every byte read (as in the test's own JVM).
     */
    static final class HpackBombInACappedHeap implements CappedJvm.Scenario {
        @Override
        public void run(String... args) {
            long decoded = (long) Http2Fault.HPACK_BOMB_REFERENCES * (6 + Http2Fault.HPACK_BOMB_VALUE_BYTES + 32);
            try (ClientSession session = ClientSession.builder()
                    .protocols(Protocol.H2_PRIOR_KNOWLEDGE)
                    .timeouts(Timeouts.builder().read(Duration.ofMillis(500)).build())
                    .build()) {
                assertThat(session.get(args[0] + "get").send().status()).isEqualTo(200);
                long before = allocatedByAllThreads();
                Throwable refused = CappedJvm.assertFailsWith(
                        ClientPayloadException.class,
                        () -> session.get(args[0] + "attack").send(),
                        "the bomb");
                long allocated = allocatedByAllThreads() - before;
                assertThat(refused).hasMessageContaining("response header list over maxResponseHeaderSize");
                System.out.printf("refusing a %d-byte header list allocated %d bytes%n", decoded, allocated);
                assertThat(allocated)
                        .as("bytes allocated while refusing the bomb")
                        .isLessThan(16L << 20);
            }
        }
    }

    /**
     * Security checklist 47 on HTTP/2: frames on a stream after its END_STREAM (a DATA, then a
     * HEADERS) reach no request: stream IDs are never reused, and Netty answers each with
     * RST_STREAM(STREAM_CLOSED) (RFC 9113 section 5.1; it cannot tell a stream closed by END_STREAM
     * from one it reset, so it chooses the stream error over the connection error). The call has
     * its answer, and the next request on the connection gets its own.
     */
    @Test
    void framesAfterAStreamEndedReachNoRequestAndTheConnectionServesTheNext() throws Exception {
        try (TestServer server = TestServer.builder()
                        .http2()
                        .dispatcher(request -> request.path().equals("/first")
                                ? MockResponse.builder()
                                        .body("first")
                                        .http2Fault(Http2Fault.FRAMES_AFTER_END_STREAM)
                                        .build()
                                : answerNaming(request))
                        .start();
                ClientSession session = session()) {
            assertThat(session.get(server.url("/first")).send().text()).isEqualTo("first");
            for (int i = 0; i < 3; i++) {
                assertThat(session.post(server.url("/next/" + i))
                                .json(Map.of("n", i))
                                .send()
                                .text())
                        .isEqualTo("answer to POST /next/" + i);
            }
            assertThat(server.connectionCount()).isEqualTo(1);
        }
    }

    /** How the request after the one whose answer brings a stray one comes to the connection. */
    enum NextRequest {
        /** Sent once the first call returned. */
        AFTER_THE_FIRST_RETURNED,
        /** Waiting for the connection's only stream (SETTINGS_MAX_CONCURRENT_STREAMS = 1). */
        WAITING_FOR_THE_ONLY_STREAM,
        /** The first answer's redirect, followed on the I/O thread that read it. */
        FOLLOWING_A_REDIRECT
    }

    /**
     * Security checklist 47 on HTTP/2, its form of a desynchronised connection: right after an
     * answer, in the same write, a whole answer on the stream the client opens next, which it has
     * not opened yet. RFC 9113 section 5.1.1 makes that a connection error (PROTOCOL_ERROR), and
     * the client must read it as one: a request must not open that stream before the rest of the
     * read is processed, or the stray answer would be its answer. Whichever way the next request
     * comes (after the call, waiting for the stream, a redirect followed as the answer is read),
     * it gets its own answer, on a new connection.
     */
    @ParameterizedTest
    @EnumSource(NextRequest.class)
    void anAnswerOnAStreamNotYetOpenedNeverReachesTheRequestThatOpensIt(NextRequest next) throws Exception {
        CountDownLatch secondQueued = new CountDownLatch(next == NextRequest.WAITING_FOR_THE_ONLY_STREAM ? 1 : 0);
        try (TestServer server = TestServer.builder()
                        .http2(Http2Options.builder()
                                .maxConcurrentStreams(next == NextRequest.WAITING_FOR_THE_ONLY_STREAM ? 1 : 100)
                                .build())
                        .dispatcher(request -> {
                            if (!request.path().equals("/first")) {
                                return answerNaming(request);
                            }
                            try {
                                secondQueued.await(10, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            MockResponse.Builder first = next == NextRequest.FOLLOWING_A_REDIRECT
                                    ? MockResponse.builder().status(302).header("Location", "/second")
                                    : MockResponse.builder().body("first");
                            return first.http2Fault(Http2Fault.ANSWER_ON_THE_NEXT_STREAM)
                                    .build();
                        })
                        .start();
                ClientSession session = ClientSession.builder()
                        .protocols(Protocol.H2_PRIOR_KNOWLEDGE)
                        .build()) {
            switch (next) {
                case AFTER_THE_FIRST_RETURNED -> {
                    assertThat(session.get(server.url("/first")).send().text()).isEqualTo("first");
                    assertThat(session.post(server.url("/second"))
                                    .json(Map.of("n", 2))
                                    .send()
                                    .text())
                            .isEqualTo("answer to POST /second");
                }
                case WAITING_FOR_THE_ONLY_STREAM -> {
                    CompletableFuture<Response> first =
                            session.get(server.url("/first")).sendAsync();
                    await("the first request reached the server", () -> server.requestCount() == 1);
                    CompletableFuture<Response> second = session.post(server.url("/second"))
                            .json(Map.of("n", 2))
                            .sendAsync();
                    await(
                            "the second request waits for the only stream",
                            () -> session.poolStats().waiting() == 1);
                    secondQueued.countDown();
                    assertThat(first.get(10, TimeUnit.SECONDS).text()).isEqualTo("first");
                    assertThat(second.get(10, TimeUnit.SECONDS).text()).isEqualTo("answer to POST /second");
                }
                case FOLLOWING_A_REDIRECT ->
                    assertThat(session.get(server.url("/first")).send().text()).isEqualTo("answer to GET /second");
            }
            RecordedRequest firstSeen = server.takeRequest();
            RecordedRequest secondSeen = server.takeRequest();
            assertThat(secondSeen.path()).isEqualTo("/second");
            assertThat(secondSeen.connectionId())
                    .as("never sent on the connection that carried the stray answer")
                    .isNotEqualTo(firstSeen.connectionId());
        }
    }

    /**
     * Bytes all threads of this JVM have allocated so far: HotSpot counts them per thread, so no
     * collection is involved. Reached by reflection because the test sources compile inside the
     * io.posthaste module, which does not read jdk.management; they run on the class path, which does.
     */
    private static long allocatedByAllThreads() {
        try {
            Object threads = Class.forName("java.lang.management.ManagementFactory")
                    .getMethod("getThreadMXBean")
                    .invoke(null);
            Class<?> type = Class.forName("com.sun.management.ThreadMXBean");
            assertThat((boolean)
                            type.getMethod("isThreadAllocatedMemoryEnabled").invoke(threads))
                    .as("allocation counting")
                    .isTrue();
            return (long) type.getMethod("getTotalThreadAllocatedBytes").invoke(threads);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("no allocation count on this JVM", e);
        }
    }

    private static MockResponse answerNaming(RecordedRequest request) {
        return MockResponse.builder()
                .body("answer to " + request.method() + " " + request.path())
                .build();
    }

    /**
     * RFC 9113 section 6.9.1: a WINDOW_UPDATE that takes the connection's send window past
     * 2^31-1 is a connection error of type FLOW_CONTROL_ERROR.
     */
    @Test
    void aWindowOverflowIsAFlowControlConnectionError() throws Exception {
        try (TestServer server = TestServer.builder().http2().start();
                ClientSession session = session()) {
            server.enqueue(MockResponse.builder()
                    .http2Fault(Http2Fault.WINDOW_OVERFLOW)
                    .build());
            assertConnectionErrorWithinBound(server, session, "FLOW_CONTROL_ERROR");
        }
    }

    /**
     * CVE-2023-44487 (rapid reset), from the server's side: a server that resets every stream
     * keeps a client busy opening them. Each reset fails its call naming the code, a refused
     * stream goes again a bounded number of times (eight), and past 200 resets in 30 s the connection is cut off
     * (ENHANCE_YOUR_CALM): the client neither loops nor keeps the connection.
     */
    @Test
    void aServerThatResetsEveryStreamIsCutOffAndNeverRetriedInALoop() throws Exception {
        try (TestServer server = TestServer.builder()
                        .http2()
                        .dispatcher(request -> MockResponse.builder()
                                .resetStream(
                                        request.path().startsWith("/refused")
                                                ? Http2Error.REFUSED_STREAM
                                                : Http2Error.INTERNAL_ERROR)
                                .build())
                        .start();
                ClientSession session = session()) {
            assertThatThrownBy(() -> session.post(server.url("/refused"))
                            .body("x", "text/plain")
                            .send())
                    .hasMessageContaining("REFUSED_STREAM");
            assertThat(server.requestCount())
                    .as("the first try and eight more, no loop")
                    .isEqualTo(9);

            long start = System.nanoTime();
            int calmed = 0;
            for (int i = 0; i < 250; i++) {
                try {
                    session.get(server.url("/reset/" + i)).send();
                } catch (ClientConnectionException e) {
                    if (e.getMessage().contains("ENHANCE_YOUR_CALM")) {
                        calmed++;
                    } else {
                        assertThat(e.getMessage()).contains("INTERNAL_ERROR");
                    }
                }
            }
            assertThat(calmed)
                    .as("the connection was cut off past the reset limit")
                    .isPositive();
            assertThat(server.connectionCount()).isGreaterThan(1);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(10 * BOUND_MILLIS);
        }
    }

    /**
     * RFC 9113 section 6.5.3: a server that never acknowledges our SETTINGS (so never applies
     * our limits) is a connection error of type SETTINGS_TIMEOUT once the read timeout passed,
     * even for a call that would have waited longer.
     */
    @Test
    void aServerThatNeverAcknowledgesOurSettingsTimesOut() throws Exception {
        try (TestServer server = TestServer.builder()
                        .http2(Http2Options.builder().neverAckSettings().build())
                        .start();
                ClientSession session = session()) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> session.get(server.url("/delay/3"))
                            .timeouts(Timeouts.builder()
                                    .read(Duration.ofSeconds(10))
                                    .build())
                            .send())
                    .isInstanceOf(ClientConnectionException.class)
                    .hasMessageContaining("HTTP/2 connection error SETTINGS_TIMEOUT");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(BOUND_MILLIS);
            awaitNoConnection(session);
        }
    }
}
