package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posthaste.testing.Fault;
import io.posthaste.testing.MockResponse;
import io.posthaste.testing.RecordedRequest;
import io.posthaste.testing.TestServer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectionsAndTimeoutsTest {

    TestServer server;
    ClientSession session;

    @BeforeEach
    void start() {
        server = TestServer.start();
        session = ClientSession.builder()
                .timeouts(Timeouts.builder().read(Duration.ofMillis(500)).build())
                .maxConnectionsPerOrigin(4)
                .build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        awaitIdle(session);
        PoolStats stats = session.poolStats();
        session.close();
        server.close();
        assertThat(stats.leased()).as("connections leaked by the test").isZero();
        assertThat(stats.waiting()).isZero();
    }

    static void awaitIdle(ClientSession session) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (session.poolStats().leased() + session.poolStats().connecting() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    @Test
    void sequentialRequestsReuseOneKeepAliveConnection() {
        session.get(server.url("/get")).send();
        session.post(server.url("/post")).json(List.of(1)).send();
        session.get(server.url("/get")).send();

        RecordedRequest first = server.takeRequest();
        RecordedRequest second = server.takeRequest();
        RecordedRequest third = server.takeRequest();
        assertThat(second.connectionId()).isEqualTo(first.connectionId());
        assertThat(third.connectionId()).isEqualTo(first.connectionId());
        assertThat(third.sequenceOnConnection()).isEqualTo(2);
        assertThat(session.poolStats().idle()).isEqualTo(1);
    }

    @Test
    void connectionCloseResponseIsNotReused() {
        server.enqueue(MockResponse.builder().body("x").closeConnection().build());
        session.get(server.url("/a")).send();
        session.get(server.url("/get")).send();

        assertThat(server.takeRequest().connectionId())
                .isNotEqualTo(server.takeRequest().connectionId());
    }

    @Test
    void staleIdleConnectionIsRetriedOnceForGet() {
        session.get(server.url("/get")).send();
        server.enqueue(MockResponse.builder()
                .fault(Fault.DISCONNECT_AFTER_REQUEST_HEAD)
                .build());

        Response response = session.get(server.url("/get")).send();

        assertThat(response.status()).isEqualTo(200);
        assertThat(server.requestCount()).isEqualTo(3);
    }

    @Test
    void postOnAConnectionTheServerDroppedIsNotRetried() {
        session.get(server.url("/get")).send();
        server.enqueue(MockResponse.builder()
                .fault(Fault.DISCONNECT_AFTER_REQUEST_HEAD)
                .build());

        assertThatThrownBy(() -> session.post(server.url("/post")).json(1).send())
                .isInstanceOfSatisfying(
                        ClientConnectionException.class,
                        e -> assertThat(e.mayHaveBeenProcessed()).isTrue());
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void silentServerFiresTheReadTimeoutAndTheConnectionIsClosed() {
        server.enqueue(MockResponse.builder().fault(Fault.STALL).build());

        assertThatThrownBy(() -> session.get(server.url("/stall")).send())
                .isInstanceOfSatisfying(
                        ClientTimeoutException.class,
                        e -> assertThat(e.phase()).isEqualTo(ClientTimeoutException.Phase.READ))
                .hasMessageContaining("GET http://127.0.0.1:" + server.port() + "/stall");
        assertThat(session.poolStats().idle()).isZero();
    }

    @Test
    void totalTimeoutStopsASlowTrickle() {
        server.enqueue(MockResponse.builder()
                .body("x".repeat(100))
                .throttle(1, Duration.ofMillis(100))
                .build());

        assertThatThrownBy(() -> session.get(server.url("/drip"))
                        .timeout(Duration.ofMillis(400))
                        .send())
                .isInstanceOfSatisfying(
                        ClientTimeoutException.class,
                        e -> assertThat(e.phase()).isEqualTo(ClientTimeoutException.Phase.TOTAL));
    }

    @Test
    void refusedConnectionFailsFastWithTheHostInTheMessage() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        long start = System.nanoTime();
        assertThatThrownBy(() -> session.get("http://127.0.0.1:" + port + "/").send())
                .isInstanceOf(ClientConnectionException.class)
                .hasMessageContaining("cannot connect to host 127.0.0.1:" + port);
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
    }

    @Test
    void fullPoolMakesWaitersTimeOutWithPoolAcquirePhase() throws Exception {
        try (ClientSession single = ClientSession.builder()
                .maxConnectionsPerOrigin(1)
                .timeouts(Timeouts.builder()
                        .poolAcquire(Duration.ofMillis(200))
                        .read(Duration.ofSeconds(2))
                        .build())
                .build()) {
            server.enqueue(MockResponse.builder()
                    .body("slow")
                    .headersDelay(Duration.ofMillis(800))
                    .build());
            CompletableFuture<Response> holder = single.get(server.url("/slow")).sendAsync();
            assertThat(server.takeRequest().path())
                    .as("the holder has the connection")
                    .isEqualTo("/slow");
            assertThatThrownBy(() -> single.get(server.url("/get")).send())
                    .isInstanceOfSatisfying(
                            ClientTimeoutException.class,
                            e -> assertThat(e.phase()).isEqualTo(ClientTimeoutException.Phase.POOL_ACQUIRE));
            assertThat(holder.get(5, TimeUnit.SECONDS).text()).isEqualTo("slow");
            assertThat(single.get(server.url("/get")).send().status()).isEqualTo(200);
        }
    }

    @Test
    void poolCapIsNeverExceededUnderTenTimesConcurrency() throws Exception {
        List<CompletableFuture<Response>> all = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            all.add(session.get(server.url("/delay/0")).sendAsync());
        }
        for (CompletableFuture<Response> f : all) {
            assertThat(f.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
        }
        assertThat(server.connectionCount()).isLessThanOrEqualTo(4);
    }

    @Test
    void acquireLatencyAtTenTimesTheCapStaysWellUnderTheAcquireTimeout() throws Exception {
        Map<Request, Long> started = new java.util.concurrent.ConcurrentHashMap<>();
        List<Long> waits = new java.util.concurrent.CopyOnWriteArrayList<>();
        Duration acquireTimeout = Duration.ofSeconds(2);
        try (ClientSession timed = ClientSession.builder()
                .maxConnectionsPerOrigin(4)
                .timeouts(Timeouts.builder().poolAcquire(acquireTimeout).build())
                .eventListener(event -> {
                    if (event.type() == Event.Type.CALL_START) {
                        started.put(event.request(), event.nanoTime());
                    } else if (event.type() == Event.Type.CONNECTION_ACQUIRED) {
                        Long start = started.remove(event.request());
                        if (start != null) {
                            waits.add(event.nanoTime() - start);
                        }
                    }
                })
                .build()) {
            List<CompletableFuture<Response>> all = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                all.add(timed.get(server.url("/get")).sendAsync());
            }
            for (CompletableFuture<Response> f : all) {
                assertThat(f.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
            }
        }
        assertThat(server.connectionCount()).isLessThanOrEqualTo(4);
        assertThat(waits).hasSize(40);
        List<Long> sorted = waits.stream().sorted().toList();
        long p99 = sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1);
        assertThat(Duration.ofNanos(p99)).as("p99 acquire latency").isLessThan(acquireTimeout.dividedBy(4));
    }

    @Test
    void asyncFuturesCompleteOffTheEventLoop() throws Exception {
        String thread = session.get(server.url("/get"))
                .sendAsync()
                .thenApply(r -> Thread.currentThread().getName())
                .get(5, TimeUnit.SECONDS);
        assertThat(thread).doesNotStartWith("posthaste-io");
    }

    @Test
    void interruptingAThreadBlockedInSendCancelsTheExchangeAndFreesItsConnection() throws Exception {
        assertInterruptCancels(session, server, Thread::new);
    }

    /** Interrupts a thread from {@code threads} blocked in send() on a stalled answer. */
    static void assertInterruptCancels(
            ClientSession session, TestServer server, java.util.concurrent.ThreadFactory threads) throws Exception {
        server.enqueue(MockResponse.builder().fault(Fault.STALL).build());
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        CompletableFuture<Boolean> flagKept = new CompletableFuture<>();
        Thread caller = threads.newThread(() -> {
            try {
                session.get(server.url("/stall")).send();
                thrown.complete(null);
            } catch (RuntimeException e) {
                thrown.complete(e);
            }
            flagKept.complete(Thread.currentThread().isInterrupted());
        });
        caller.start();
        server.takeRequest(Duration.ofSeconds(5));

        caller.interrupt();

        assertThat(thrown.get(5, TimeUnit.SECONDS))
                .isInstanceOf(CancellationException.class)
                .hasMessageContaining("interrupted");
        assertThat(flagKept.get(5, TimeUnit.SECONDS)).as("interrupt flag kept").isTrue();
        awaitIdle(session);
        assertThat(session.poolStats().leased()).isZero();
        assertThat(session.get(server.url("/get")).send().status()).isEqualTo(200);
    }

    @Test
    void cancellingAnAsyncRequestReleasesTheConnection() throws Exception {
        server.enqueue(MockResponse.builder().fault(Fault.STALL).build());
        CompletableFuture<Response> pending = session.get(server.url("/stall")).sendAsync();
        assertThat(server.takeRequest().path())
                .as("cancelled while awaiting the answer")
                .isEqualTo("/stall");

        assertThat(pending.cancel(true)).isTrue();
        assertThatThrownBy(pending::join).isInstanceOf(CancellationException.class);
        awaitIdle(session);
        assertThat(session.poolStats().leased()).isZero();
        assertThat(session.get(server.url("/get")).send().status()).isEqualTo(200);
    }

    @Test
    void bodyCutShortIsAnErrorNeverATruncatedSuccess() {
        server.enqueue(MockResponse.builder()
                .body("0123456789")
                .disconnectAfterBodyBytes(4)
                .build());

        assertThatThrownBy(() -> session.get(server.url("/short")).send())
                .isInstanceOfAny(ClientPayloadException.class, ClientConnectionException.class);
    }

    @Test
    void closedSessionRejectsNewRequestsAndCloseIsIdempotent() {
        ClientSession closed = ClientSession.create();
        closed.close();
        closed.close();
        assertThatThrownBy(() -> closed.get(server.url("/get"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void streamedDownloadIsSavedAndReleasesTheConnection(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("bytes.bin");
        server.enqueue(
                MockResponse.builder().body(new byte[3_000_000]).chunked(65536).build());
        try (StreamingResponse response = session.get(server.url("/download")).stream()) {
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.saveTo(target)).isEqualTo(3_000_000);
        }
        assertThat(Files.size(target)).isEqualTo(3_000_000);
        awaitIdle(session);
        assertThat(session.poolStats().idle()).isEqualTo(1);
    }

    @Test
    void aSavedDownloadIsByteExactAcrossReadingPausesAndAfterPartialReads(@TempDir Path dir) throws Exception {
        // More than the stream's high-water mark, so the socket is paused and resumed meanwhile.
        byte[] body = new byte[5 * 1024 * 1024 + 17];
        new java.util.Random(7).nextBytes(body);
        server.enqueue(MockResponse.builder().body(body).chunked(40_000).build());
        Path target = dir.resolve("random.bin");
        try (StreamingResponse response = session.get(server.url("/download")).stream()) {
            byte[] head = response.body().readNBytes(1000);
            Thread.sleep(200);
            assertThat(response.saveTo(target)).isEqualTo(body.length - 1000);
            assertThat(head).isEqualTo(java.util.Arrays.copyOf(body, 1000));
        }
        assertThat(Files.readAllBytes(target)).isEqualTo(java.util.Arrays.copyOfRange(body, 1000, body.length));
        awaitIdle(session);
        assertThat(session.poolStats().idle()).isEqualTo(1);
    }

    @Test
    void closingAStreamEarlyClosesTheConnectionInsteadOfReusingIt() throws Exception {
        server.enqueue(MockResponse.builder().body(new byte[2_000_000]).build());
        try (StreamingResponse response = session.get(server.url("/download")).stream()) {
            assertThat(response.body().read(new byte[10])).isPositive();
        }
        awaitIdle(session);
        assertThat(session.poolStats().idle()).isZero();
    }

    @Test
    void uploadsFromDiskAreSentZeroCopyWithExactLength(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("big.bin");
        byte[] chunk = new byte[1 << 20];
        try (var out = Files.newOutputStream(file)) {
            for (int i = 0; i < 8; i++) {
                out.write(chunk);
            }
        }
        Response response = session.post(server.url("/sink")).file("f", file).send();
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().toString()).contains(String.valueOf(8 << 20));
    }
}
