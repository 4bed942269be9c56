package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posthaste.testing.TestServer;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Host look-up through a {@link HostResolver}: every address is tried in turn, whether the one
 * before refused or stayed silent; failures are connection errors; a call cancelled while the
 * look-up is still running ends once and leaves nothing behind.
 */
class HostResolverTest {

    private static InetAddress ip(String address) {
        try {
            return InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aRefusingAddressFallsBackToTheNext() {
        try (TestServer server = TestServer.start();
                ClientSession session = ClientSession.builder()
                        .resolver(host -> List.of(ip("127.0.0.2"), ip("127.0.0.1")))
                        .build()) {
            Response response =
                    session.get("http://multi.test:" + server.port() + "/get").send();
            assertThat(response.status()).isEqualTo(200);
            assertThat(server.takeRequest().header("Host")).isEqualTo("multi.test:" + server.port());
        }
    }

    @Test
    void aSilentAddressFallsBackToTheNextAfterTheConnectTimeout() throws Exception {
        try (SilentServers silent = SilentServers.fullBacklog();
                TestServer server = TestServer.builder()
                        .host("127.0.0.2")
                        .port(silent.port())
                        .start();
                ClientSession session = ClientSession.builder()
                        .timeouts(Timeouts.builder()
                                .connect(Duration.ofMillis(300))
                                .build())
                        .resolver(host -> List.of(ip("127.0.0.1"), ip("127.0.0.2")))
                        .build()) {
            assertThat(session.get("http://multi.test:" + silent.port() + "/get")
                            .send()
                            .status())
                    .isEqualTo(200);
        }
    }

    @Test
    void aFailedOrEmptyLookUpIsAConnectionError() {
        try (ClientSession failing = ClientSession.builder()
                        .resolver(host -> {
                            throw new UnknownHostException(host);
                        })
                        .build();
                ClientSession empty =
                        ClientSession.builder().resolver(host -> List.of()).build()) {
            for (ClientSession session : List.of(failing, empty)) {
                assertThatThrownBy(() -> session.get("http://nowhere.test/").send())
                        .isInstanceOf(ClientConnectionException.class)
                        .hasMessageContaining("nowhere.test");
            }
        }
    }

    @Test
    void cancellingDuringTheLookUpEndsTheCallOnceAndReleasesEverything() throws Exception {
        CountDownLatch lookingUp = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        RecordedEvents events = new RecordedEvents();
        try (TestServer server = TestServer.start();
                ClientSession session = ClientSession.builder()
                        .eventListener(events)
                        .resolver(host -> {
                            lookingUp.countDown();
                            try {
                                answer.await(5, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            return List.of(ip("127.0.0.1"));
                        })
                        .build()) {
            CompletableFuture<Response> call = session.get("http://slow-dns.test:" + server.port() + "/get")
                    .sendAsync();
            assertThat(lookingUp.await(5, TimeUnit.SECONDS)).isTrue();
            call.cancel(true);
            answer.countDown();
            assertThatThrownBy(call::join).isInstanceOf(CancellationException.class);
            // The look-up's answer arrives after the cancel; nothing may be done with it.
            events.await(Event.Type.DNS_END, null);
            ConnectionsAndTimeoutsTest.awaitIdle(session);
            Thread.sleep(200);
            PoolStats stats = session.poolStats();
            assertThat(stats.leased() + stats.connecting() + stats.waiting()).isZero();
            assertThat(events.count(Event.Type.CALL_FAILED, "/get"))
                    .as("the call ended once")
                    .isOne();
            assertThat(events.count(Event.Type.CALL_END, "/get")).isZero();
            assertThat(events.count(Event.Type.CONNECTION_ACQUIRED, "/get"))
                    .as("connections taken")
                    .isZero();
            assertThat(server.requestCount()).isZero();
            // The pool may finish a connect it began for the origin (it then waits idle, held by
            // nobody) or abort it, depending on when the cancel reached it: either way every
            // connection the server still holds open is an idle one of the pool.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (server.openConnectionCount() != session.poolStats().idle() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(session.poolStats().idle())
                    .as("pool " + session.poolStats())
                    .isEqualTo(server.openConnectionCount())
                    .isLessThanOrEqualTo(1);
            // The session is still good: the cached answer serves the next call.
            assertThat(session.get("http://slow-dns.test:" + server.port() + "/get")
                            .send()
                            .status())
                    .isEqualTo(200);
        }
    }

    @Test
    void aLookUpThatEndsAfterTheSessionClosedOpensNoConnection() throws Exception {
        CountDownLatch lookingUp = new CountDownLatch(1);
        try (TestServer server = TestServer.start()) {
            ClientSession session = ClientSession.builder()
                    .resolver(host -> {
                        lookingUp.countDown();
                        try {
                            Thread.sleep(5_000); // interrupted by close()
                        } catch (InterruptedException closing) {
                            Thread.currentThread().interrupt();
                        }
                        return List.of(ip("127.0.0.1"));
                    })
                    .build();
            CompletableFuture<Response> call =
                    session.get("http://late.test:" + server.port() + "/get").sendAsync();
            assertThat(lookingUp.await(5, TimeUnit.SECONDS)).isTrue();
            session.close();
            assertThatThrownBy(() -> call.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(ClientConnectionException.class);
            Thread.sleep(200);
            assertThat(server.connectionCount())
                    .as("no connection opened by a closed session")
                    .isZero();
        }
    }

    @Test
    void aLookUpThatAnswersOnlyAfterCloseReturnedStillEndsItsCall() throws Exception {
        // A resolver that ignores the interrupt answers once the event loops have stopped: the
        // connect that follows must end the call rather than lose its completion to a loop that
        // takes no more work.
        CountDownLatch lookingUp = new CountDownLatch(1);
        CompletableFuture<Void> closed = new CompletableFuture<>();
        try (TestServer server = TestServer.start()) {
            ClientSession session = ClientSession.builder()
                    .resolver(host -> {
                        lookingUp.countDown();
                        closed.join(); // waits through close()'s interrupt, keeping the flag
                        return List.of(ip("127.0.0.1"));
                    })
                    .build();
            CompletableFuture<Response> call =
                    session.get("http://late.test:" + server.port() + "/get").sendAsync();
            assertThat(lookingUp.await(5, TimeUnit.SECONDS)).isTrue();
            session.close();
            closed.complete(null);
            assertThatThrownBy(() -> call.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(ClientConnectionException.class);
            assertThat(server.connectionCount())
                    .as("no connection opened by a closed session")
                    .isZero();
        }
    }
}
