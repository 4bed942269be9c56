package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posthaste.testing.Fault;
import io.posthaste.testing.MockResponse;
import io.posthaste.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After every kind of network failure the client gives a clear answer, retries only what is safe
 * to repeat, and gives everything back: with one connection allowed per origin, the next request
 * after a timeout, a cancel, a protocol error, a cut body or a reset still gets that connection.
 */
class FaultRecoveryTest {

    private static final RetryPolicy QUICK = RetryPolicy.builder()
            .maxAttempts(3)
            .initialBackoff(Duration.ofMillis(10))
            .build();
    private static final Duration READ_TIMEOUT = Duration.ofMillis(300);

    @TempDir
    Path dir;

    @Test
    void aPatchOnAConnectionTheServerDroppedIsNotRepeated() {
        try (TestServer server = TestServer.start();
                ClientSession session = ClientSession.create()) {
            session.get(server.url("/get")).send(); // a pooled connection now exists
            server.enqueue(MockResponse.builder()
                    .fault(Fault.DISCONNECT_AFTER_REQUEST_HEAD)
                    .build());
            assertThatThrownBy(() ->
                            session.patch(server.url("/patch")).json(List.of(1)).send())
                    .isInstanceOfSatisfying(
                            ClientConnectionException.class,
                            e -> assertThat(e.mayHaveBeenProcessed()).isTrue());
            assertThat(server.requestCount()).isEqualTo(2);
        }
    }

    @Test
    void anIdempotentRequestIsRetriedExactlyOnceOnADroppedPooledConnection() {
        try (TestServer server = TestServer.start();
                ClientSession session = ClientSession.create()) {
            session.get(server.url("/get")).send();
            server.enqueue(MockResponse.builder()
                    .fault(Fault.DISCONNECT_AFTER_REQUEST_HEAD)
                    .build());
            server.enqueue(MockResponse.builder()
                    .fault(Fault.DISCONNECT_AFTER_REQUEST_HEAD)
                    .build());
            assertThatThrownBy(() -> session.get(server.url("/get")).send())
                    .isInstanceOf(ClientConnectionException.class);
            assertThat(server.requestCount())
                    .as("first GET, the failed one and one retry")
                    .isEqualTo(3);
        }
    }

    @Test
    void aSilentServerTimesAPostOutOnceAndItIsNeverRetried() throws InterruptedException {
        try (TestServer server = TestServer.start();
                ClientSession session = ClientSession.builder()
                        .retryPolicy(QUICK)
                        .timeouts(
                                Timeouts.builder().read(Duration.ofMillis(300)).build())
                        .build()) {
            server.enqueue(MockResponse.builder().fault(Fault.STALL).build());
            assertThatThrownBy(() ->
                            session.post(server.url("/post")).json(List.of(1)).send())
                    .isInstanceOfSatisfying(
                            ClientTimeoutException.class,
                            e -> assertThat(e.phase()).isEqualTo(ClientTimeoutException.Phase.READ));
            assertThat(server.requestCount()).isEqualTo(1);
            ConnectionsAndTimeoutsTest.awaitIdle(session);
            assertThat(session.poolStats().idle())
                    .as("the timed-out connection is closed")
                    .isZero();
        }
    }

    @Test
    void aResetDuringALargeUploadFailsPromptlyAndClosesTheFile() throws Exception {
        Path file = dir.resolve("upload.bin");
        Files.write(file, new byte[64 << 20]);
        try (SilentServers server = SilentServers.resettingAfter(64 * 1024);
                ClientSession session = ClientSession.create()) {
            long started = System.nanoTime();
            assertThatThrownBy(() -> session.post(server.url("http", "/upload"))
                            .body(file, null)
                            .send())
                    .isInstanceOf(ClientConnectionException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
            ConnectionsAndTimeoutsTest.awaitIdle(session);
            assertThat(session.poolStats()).isEqualTo(new PoolStats(0, 0, 0, 0));
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (TimeoutPhasesTest.openHandlesTo(file) > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(TimeoutPhasesTest.openHandlesTo(file)).isZero();
        }
    }

    @Test
    void everyFailureGivesItsConnectionBack() throws Exception {
        RecordedEvents events = new RecordedEvents();
        try (TestServer server = TestServer.start();
                ClientSession single = ClientSession.builder()
                        .maxConnectionsPerOrigin(1)
                        .eventListener(events)
                        .timeouts(Timeouts.builder()
                                .read(READ_TIMEOUT)
                                .poolAcquire(Duration.ofMillis(500))
                                .build())
                        .build()) {
            Map<String, Callable<CompletableFuture<Response>>> failures = new LinkedHashMap<>();
            failures.put("/stall", () -> {
                server.enqueue(MockResponse.builder().fault(Fault.STALL).build());
                return single.get(server.url("/stall")).sendAsync();
            });
            failures.put("/malformed", () -> {
                server.enqueue(MockResponse.builder()
                        .raw(("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n" + "Content-Length: 2\r\n\r\nok")
                                .getBytes(StandardCharsets.US_ASCII))
                        .build());
                return single.get(server.url("/malformed")).sendAsync();
            });
            failures.put("/cut", () -> {
                server.enqueue(MockResponse.builder()
                        .body(new byte[100_000])
                        .disconnectAfterBodyBytes(1000)
                        .build());
                return single.get(server.url("/cut")).sendAsync();
            });
            failures.put("/interim", () -> {
                server.enqueue(MockResponse.builder()
                        .raw("HTTP/1.1 100 Continue\r\n\r\n".repeat(5000).getBytes(StandardCharsets.US_ASCII))
                        .build());
                return single.get(server.url("/interim")).sendAsync();
            });
            failures.put("/cancel", () -> {
                server.enqueue(MockResponse.builder().fault(Fault.STALL).build());
                CompletableFuture<Response> cancelled =
                        single.get(server.url("/cancel")).sendAsync();
                // Cancelled while it waits for the answer: the request is on the wire, none came.
                events.await(Event.Type.REQUEST_HEADERS_SENT, "/cancel");
                assertThat(events.count(Event.Type.RESPONSE_HEADERS_RECEIVED, "/cancel"))
                        .isZero();
                cancelled.cancel(true);
                return cancelled;
            });
            for (Map.Entry<String, Callable<CompletableFuture<Response>>> failure : failures.entrySet()) {
                CompletableFuture<Response> call = failure.getValue().call();
                assertThatThrownBy(call::join).isNotNull();
                ConnectionsAndTimeoutsTest.awaitIdle(single);
                PoolStats stats = single.poolStats();
                assertThat(stats.leased() + stats.connecting() + stats.waiting())
                        .as("after " + failure.getKey())
                        .isZero();
                assertThat(single.get(server.url("/get")).send().status()).isEqualTo(200);
            }
            // A second release or a late failure would come from a timer or a close still on its way:
            // give those longer than the read timeout to show up before counting.
            Thread.sleep(2 * READ_TIMEOUT.toMillis());
            for (String path : failures.keySet()) {
                assertThat(events.count(Event.Type.CALL_FAILED, path))
                        .as("calls failed for " + path)
                        .isOne();
                assertThat(events.count(Event.Type.CALL_END, path))
                        .as("calls ended for " + path)
                        .isZero();
                assertThat(events.count(Event.Type.CONNECTION_ACQUIRED, path))
                        .as("connections taken for " + path)
                        .isOne();
                assertThat(events.count(Event.Type.CONNECTION_RELEASED, path))
                        .as("connections given back for " + path)
                        .isOne();
            }
        }
    }

    @Test
    void anExhaustedPoolGivesAnAcquireTimeout() throws IOException {
        try (TestServer server = TestServer.start();
                ClientSession single = ClientSession.builder()
                        .maxConnectionsPerOrigin(1)
                        .timeouts(Timeouts.builder()
                                .poolAcquire(Duration.ofMillis(200))
                                .build())
                        .build()) {
            server.enqueue(MockResponse.builder().fault(Fault.STALL).build());
            CompletableFuture<Response> holder =
                    single.get(server.url("/stall")).sendAsync();
            assertThatThrownBy(() -> single.get(server.url("/get")).send())
                    .isInstanceOfSatisfying(
                            ClientTimeoutException.class,
                            e -> assertThat(e.phase()).isEqualTo(ClientTimeoutException.Phase.POOL_ACQUIRE));
            holder.cancel(true);
            assertThat(single.get(server.url("/get")).send().status()).isEqualTo(200);
        }
    }
}
