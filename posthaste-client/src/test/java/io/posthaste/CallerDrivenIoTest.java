package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posthaste.testing.Fault;
import io.posthaste.testing.MockResponse;
import io.posthaste.testing.TestServer;
import io.posthaste.testing.TestServerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code send()} on a platform thread drives the exchange's I/O on that thread, on an event loop
 * of its own, on the native transport here (epoll) and on NIO ({@link CallerDrivenIoOnNioTest},
 * as on Windows or without the natives). What it must keep: the connection caps, the timeouts,
 * clean closing, and no connection held by a thread that has gone quiet or ended.
 */
class CallerDrivenIoTest {

    /** Whether this class's sessions may use the native transport; false runs them on NIO. */
    boolean nativeTransport() {
        return true;
    }

    private ClientSession.Builder builder() {
        return ClientSession.builder().nativeTransport(nativeTransport());
    }

    @RegisterExtension
    final TestServerExtension servers = TestServerExtension.perTest();

    @Test
    void aBlockingSendDoesItsIoOnTheCallingThreadAndKeepsItsConnection(TestServer server) {
        Set<Thread> ioThreads = ConcurrentHashMap.newKeySet();
        try (ClientSession session = builder()
                .eventListener(event -> {
                    if (event.type() == Event.Type.RESPONSE_HEADERS_RECEIVED) {
                        ioThreads.add(Thread.currentThread());
                    }
                })
                .build()) {
            // This suite runs on Linux with epoll, unless CI's NIO leg turns the natives off.
            assertThat(session.usesNativeTransport())
                    .as("uses the native transport")
                    .isEqualTo(nativeTransport() && !Boolean.getBoolean("io.netty.transport.noNative"));
            for (int i = 0; i < 3; i++) {
                assertThat(session.get(server.url("/get")).send().status()).isEqualTo(200);
            }
            assertThat(ioThreads).containsExactly(Thread.currentThread());
            assertThat(server.connectionCount()).isEqualTo(1);
            assertThat(session.poolStats()).isEqualTo(new PoolStats(0, 1, 0, 0));
        }
    }

    @Test
    void turnedOffOrForStreamsTheIoRunsOnTheSessionsEventLoops(TestServer server) throws Exception {
        Set<String> ioThreads = ConcurrentHashMap.newKeySet();
        EventListener listener = event -> {
            if (event.type() == Event.Type.RESPONSE_HEADERS_RECEIVED) {
                ioThreads.add(Thread.currentThread().getName());
            }
        };
        try (ClientSession session =
                builder().eventListener(listener).callerDrivenIo(false).build()) {
            session.get(server.url("/get")).send();
        }
        try (ClientSession session = builder().eventListener(listener).build();
                StreamingResponse streamed = session.get(server.url("/get")).stream()) {
            streamed.bytes();
        }
        assertThat(ioThreads).isNotEmpty().allSatisfy(name -> assertThat(name).startsWith("posthaste-io"));
    }

    @Test
    void threadsKeepTheirOwnConnectionsWithinTheCapAndNeverStarveEachOther(TestServer server) throws Exception {
        AtomicInteger overCap = new AtomicInteger();
        try (ClientSession session = builder()
                .maxConnectionsPerOrigin(2)
                .timeouts(Timeouts.builder().poolAcquire(Duration.ofSeconds(5)).build())
                .build()) {
            server.dispatcher(request -> {
                PoolStats stats = session.poolStats();
                if (stats.leased() + stats.idle() + stats.connecting() > 2) {
                    overCap.incrementAndGet();
                }
                return MockResponse.builder().body("ok").build();
            });
            List<CompletableFuture<Integer>> done = new ArrayList<>();
            for (int t = 0; t < 5; t++) {
                CompletableFuture<Integer> ok = new CompletableFuture<>();
                done.add(ok);
                new Thread(
                                () -> {
                                    try {
                                        int statuses = 0;
                                        for (int i = 0; i < 40; i++) {
                                            statuses += session.get(server.url("/n"))
                                                                    .send()
                                                                    .status()
                                                            == 200
                                                    ? 1
                                                    : 0;
                                        }
                                        ok.complete(statuses);
                                    } catch (RuntimeException e) {
                                        ok.completeExceptionally(e);
                                    }
                                },
                                "sender-" + t)
                        .start();
            }
            for (CompletableFuture<Integer> ok : done) {
                assertThat(ok.get(30, TimeUnit.SECONDS)).isEqualTo(40);
            }
            assertThat(overCap)
                    .as("requests that saw more than 2 connections counted")
                    .hasValue(0);
        }
    }

    @Test
    void aConnectionKeptByAQuietThreadIsGivenUpAsSoonAsAnotherThreadNeedsThePlace(TestServer server) throws Exception {
        CountDownLatch testOver = new CountDownLatch(1);
        CompletableFuture<Integer> quietStatus = new CompletableFuture<>();
        try (ClientSession session = builder()
                .maxConnectionsPerOrigin(1)
                .timeouts(Timeouts.builder().poolAcquire(Duration.ofSeconds(2)).build())
                .build()) {
            Thread quiet = new Thread(() -> {
                quietStatus.complete(
                        session.get(server.url("/get?first")).send().status());
                awaitQuietly(testOver);
            });
            quiet.start();
            assertThat(quietStatus.get(5, TimeUnit.SECONDS)).isEqualTo(200);
            assertThat(session.poolStats().idle()).isEqualTo(1);

            long start = System.nanoTime();
            assertThat(session.get(server.url("/get?second")).send().status()).isEqualTo(200);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
            assertThat(server.takeRequest().connectionId())
                    .isNotEqualTo(server.takeRequest().connectionId());
        } finally {
            testOver.countDown();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void whileRequestsWaitForPlacesNewThreadsUseTheSharedLoopsInsteadOfMakingTheirOwn(TestServer server)
            throws Exception {
        Set<String> ioThreads = ConcurrentHashMap.newKeySet();
        try (ClientSession session = builder()
                .maxConnectionsPerOrigin(1)
                .eventListener(event -> {
                    if (event.type() == Event.Type.RESPONSE_HEADERS_RECEIVED
                            && event.request().url().toString().contains("late")) {
                        ioThreads.add(Thread.currentThread().getName());
                    }
                })
                .build()) {
            server.enqueue(MockResponse.builder()
                    .body("slow")
                    .headersDelay(Duration.ofMillis(300))
                    .build());
            Thread holder = new Thread(() -> session.get(server.url("/slow")).send(), "holder");
            holder.start();
            server.takeRequest(Duration.ofSeconds(5));
            // Waits for the holder's place, which its thread gives up when its call ends.
            assertThat(session.get(server.url("/get?waiter")).send().status()).isEqualTo(200);
            holder.join(5_000);

            Thread late = new Thread(() -> session.get(server.url("/get?late")).send(), "late");
            late.start();
            late.join(5_000);
            assertThat(ioThreads).singleElement().asString().startsWith("posthaste-io");
        }
    }

    @Test
    void aThreadsConnectionIsClosedSoonAfterTheThreadEnds(TestServer server) throws Exception {
        try (ClientSession session = builder().build()) {
            Thread once = new Thread(() -> session.get(server.url("/get")).send());
            once.start();
            once.join(5_000);
            assertThat(session.poolStats().idle()).isEqualTo(1);

            awaitNoOpenConnection(server, Duration.ofSeconds(5));
            assertThat(session.poolStats().idle()).isZero();
            assertThat(session.get(server.url("/get")).send().status()).isEqualTo(200);
        }
    }

    @Test
    void aConnectionIdleForTheIdleTimeoutIsClosedEvenIfItsThreadLivesOn(TestServer server) throws Exception {
        try (ClientSession session =
                builder().idleTimeout(Duration.ofMillis(200)).build()) {
            session.get(server.url("/get")).send();

            awaitNoOpenConnection(server, Duration.ofSeconds(5));
            assertThat(session.poolStats().idle()).isZero();
            assertThat(session.get(server.url("/get")).send().status()).isEqualTo(200);
        }
    }

    @Test
    void aConnectionTheServerClosedBetweenCallsIsNotUsedForTheNextPost(TestServer server) throws Exception {
        // No "Connection: close": the server just closes the connection after the answer.
        server.enqueue(MockResponse.builder()
                .raw("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1))
                .closeConnection()
                .build());
        try (ClientSession session = builder().build()) {
            session.get(server.url("/get")).send();
            Thread.sleep(50); // the close arrives while nobody drives the thread's loop

            assertThat(session.post(server.url("/post")).json(1).send().status())
                    .isEqualTo(200);
            assertThat(server.takeRequest().connectionId())
                    .isNotEqualTo(server.takeRequest().connectionId());
        }
    }

    @Test
    void timeoutsFireWhileTheCallerDrivesItsOwnLoop(TestServer server) {
        server.enqueue(MockResponse.builder().fault(Fault.STALL).build());
        server.enqueue(MockResponse.builder().fault(Fault.STALL).build());
        try (ClientSession session = builder().build()) {
            assertThatThrownBy(() -> session.get(server.url("/stall"))
                            .timeouts(Timeouts.builder()
                                    .read(Duration.ofMillis(200))
                                    .build())
                            .send())
                    .isInstanceOfSatisfying(
                            ClientTimeoutException.class,
                            e -> assertThat(e.phase()).isEqualTo(ClientTimeoutException.Phase.READ));
            assertThatThrownBy(() -> session.get(server.url("/stall"))
                            .timeouts(Timeouts.builder()
                                    .total(Duration.ofMillis(200))
                                    .build())
                            .send())
                    .isInstanceOfSatisfying(
                            ClientTimeoutException.class,
                            e -> assertThat(e.phase()).isEqualTo(ClientTimeoutException.Phase.TOTAL));
            assertThat(session.poolStats().leased()).isZero();
        }
    }

    @Test
    void interruptingTheCallerWhileItWaitsOnItsOwnLoopCancelsTheSend(TestServer server) throws Exception {
        server.enqueue(MockResponse.builder().fault(Fault.STALL).build());
        try (ClientSession session = builder().build()) {
            CompletableFuture<Throwable> thrown = new CompletableFuture<>();
            CompletableFuture<Boolean> flagKept = new CompletableFuture<>();
            Thread caller = new Thread(() -> {
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
            // The caller has written its request and now waits in its loop's selector: the
            // interrupt must end that wait, not land between two steps of the exchange.
            Thread.sleep(200);

            caller.interrupt();

            assertThat(thrown.get(5, TimeUnit.SECONDS))
                    .isInstanceOf(CancellationException.class)
                    .hasMessageContaining("interrupted");
            assertThat(flagKept.get(5, TimeUnit.SECONDS))
                    .as("interrupt flag kept")
                    .isTrue();
            assertThat(session.get(server.url("/get")).send().status()).isEqualTo(200);
        }
    }

    @Test
    void closingTheSessionFailsASendInFlightOnAnotherThreadAndClosesItsConnection(TestServer server) throws Exception {
        server.enqueue(MockResponse.builder().fault(Fault.STALL).build());
        ClientSession session = builder().build();
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        Thread caller = new Thread(() -> {
            try {
                session.get(server.url("/stall")).send();
                thrown.complete(null);
            } catch (RuntimeException e) {
                thrown.complete(e);
            }
        });
        caller.start();
        server.takeRequest(Duration.ofSeconds(5));

        session.close();

        assertThat(thrown.get(5, TimeUnit.SECONDS)).isInstanceOf(ClientConnectionException.class);
        awaitNoOpenConnection(server, Duration.ofSeconds(5));
    }

    private static void awaitNoOpenConnection(TestServer server, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (server.openConnectionCount() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(server.openConnectionCount())
                .as("connections the server still has open")
                .isZero();
    }
}
