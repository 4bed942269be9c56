package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posthaste.ClientTimeoutException.Phase;
import io.posthaste.testing.Fault;
import io.posthaste.testing.MockResponse;
import io.posthaste.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every timeout phase fires with its own type, and cancelling in every phase releases everything. */
class TimeoutPhasesTest {

    private static final Duration SHORT = Duration.ofMillis(300);

    ClientSession session;

    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        session = ClientSession.builder()
                .timeouts(Timeouts.builder()
                        .connect(SHORT)
                        .tlsHandshake(SHORT)
                        .read(SHORT)
                        .write(SHORT)
                        .poolAcquire(SHORT)
                        .build())
                .build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        ConnectionsAndTimeoutsTest.awaitIdle(session);
        PoolStats stats = session.poolStats();
        session.close();
        assertThat(stats.leased() + stats.connecting() + stats.waiting())
                .as("pool after test: " + stats)
                .isZero();
    }

    @Test
    void connectThatHangsFiresTheConnectTimeout() throws IOException {
        try (SilentServers server = SilentServers.fullBacklog()) {
            assertThatThrownBy(() -> session.get(server.url("http", "/")).send())
                    .isInstanceOfSatisfying(
                            ClientTimeoutException.class,
                            e -> assertThat(e.phase()).isEqualTo(Phase.CONNECT));
        }
    }

    @Test
    void handshakeThatNeverStartsFiresTheTlsTimeout() throws IOException {
        try (SilentServers server = SilentServers.acceptingButMute()) {
            assertThatThrownBy(() -> session.get(server.url("https", "/")).send())
                    .isInstanceOfSatisfying(
                            ClientTimeoutException.class,
                            e -> assertThat(e.phase()).isEqualTo(Phase.TLS_HANDSHAKE));
        }
    }

    @Test
    void serverThatStopsReadingTheUploadFiresTheWriteTimeout() throws IOException {
        Path file = bigFile();
        try (SilentServers server = SilentServers.acceptingButMute()) {
            assertThatThrownBy(() -> session.post(server.url("http", "/upload"))
                            .body(file, null)
                            .send())
                    .isInstanceOfSatisfying(
                            ClientTimeoutException.class,
                            e -> assertThat(e.phase()).isEqualTo(Phase.WRITE));
        }
        assertThat(openHandlesTo(file)).as("file handles left open").isZero();
    }

    @Test
    void cancellingWhileConnectingAbortsTheConnect() throws Exception {
        RecordedEvents events = new RecordedEvents();
        try (SilentServers server = SilentServers.fullBacklog();
                ClientSession patient =
                        ClientSession.builder().eventListener(events).build()) {
            CompletableFuture<Response> pending =
                    patient.get(server.url("http", "/")).sendAsync();
            events.await(Event.Type.CONNECT_START, null);
            assertThat(events.count(Event.Type.CONNECT_END) + events.count(Event.Type.CONNECT_FAILED))
                    .as("still connecting")
                    .isZero();
            pending.cancel(true);
            ConnectionsAndTimeoutsTest.awaitIdle(patient);
            assertThat(patient.poolStats()).isEqualTo(new PoolStats(0, 0, 0, 0));
            assertEndedOnce(events, 0);
        }
    }

    @Test
    void cancellingDuringTheHandshakeReleasesThePlace() throws Exception {
        RecordedEvents events = new RecordedEvents();
        try (SilentServers server = SilentServers.acceptingButMute();
                ClientSession patient =
                        ClientSession.builder().eventListener(events).build()) {
            CompletableFuture<Response> pending =
                    patient.get(server.url("https", "/")).sendAsync();
            events.await(Event.Type.TLS_START, null);
            assertThat(events.count(Event.Type.TLS_END))
                    .as("still shaking hands")
                    .isZero();
            pending.cancel(true);
            ConnectionsAndTimeoutsTest.awaitIdle(patient);
            assertThat(patient.poolStats()).isEqualTo(new PoolStats(0, 0, 0, 0));
            assertEndedOnce(events, 0);
        }
    }

    @Test
    void cancellingDuringAnUploadClosesTheFileAndTheConnection() throws Exception {
        Path file = bigFile();
        RecordedEvents events = new RecordedEvents();
        AtomicLong uploaded = new AtomicLong();
        try (SilentServers server = SilentServers.acceptingButMute();
                ClientSession patient =
                        ClientSession.builder().eventListener(events).build()) {
            CompletableFuture<Response> pending = patient.post(server.url("http", "/upload"))
                    .body(file, null)
                    .onUploadProgress((done, total) -> uploaded.set(done))
                    .sendAsync();
            // Writing: part of the body is on the wire, and the server reads none of it.
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (uploaded.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(uploaded.get())
                    .as("body bytes taken by the network")
                    .isPositive()
                    .isLessThan(Files.size(file));
            pending.cancel(true);
            ConnectionsAndTimeoutsTest.awaitIdle(patient);
            assertThat(patient.poolStats()).isEqualTo(new PoolStats(0, 0, 0, 0));
            deadline = System.nanoTime() + 2_000_000_000L;
            while (openHandlesTo(file) > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(openHandlesTo(file)).isZero();
            assertThat(events.count(Event.Type.REQUEST_BODY_SENT)).isZero();
            assertEndedOnce(events, 1);
        }
    }

    @Test
    void aRequestAdmittedAfterWaitingForAPlaceConnectsWithItsOwnConnectTimeout() throws Exception {
        // The session's connect timeout is the default 10 s; each request brings its own.
        Timeouts quick = Timeouts.builder().connect(Duration.ofMillis(200)).build();
        Timeouts patient = Timeouts.builder().connect(Duration.ofMillis(900)).build();
        try (SilentServers server = SilentServers.fullBacklog();
                ClientSession single =
                        ClientSession.builder().maxConnectionsPerOrigin(1).build()) {
            CompletableFuture<Response> first =
                    single.get(server.url("http", "/")).timeouts(quick).sendAsync();
            CompletableFuture<Response> second =
                    single.get(server.url("http", "/")).timeouts(patient).sendAsync();
            assertThatThrownBy(() -> first.get(5, TimeUnit.SECONDS))
                    .cause()
                    .isInstanceOfSatisfying(
                            ClientTimeoutException.class,
                            e -> assertThat(e.phase()).isEqualTo(Phase.CONNECT));
            long firstFailed = System.nanoTime();

            // Admitted when the first gave its place back, on a thread that is not its own.
            assertThatThrownBy(() -> second.get(15, TimeUnit.SECONDS))
                    .cause()
                    .isInstanceOfSatisfying(
                            ClientTimeoutException.class,
                            e -> assertThat(e.phase()).isEqualTo(Phase.CONNECT));
            long connecting = System.nanoTime() - firstFailed;
            assertThat(connecting)
                    .as("the second request's connect, in ns")
                    .isBetween(TimeUnit.MILLISECONDS.toNanos(600), TimeUnit.MILLISECONDS.toNanos(4000));
            ConnectionsAndTimeoutsTest.awaitIdle(single);
            assertThat(single.poolStats()).isEqualTo(new PoolStats(0, 0, 0, 0));
        }
    }

    @Test
    void cancellingAWaiterLeavesThePoolToTheOthers() throws Exception {
        try (TestServer server = TestServer.start();
                ClientSession single =
                        ClientSession.builder().maxConnectionsPerOrigin(1).build()) {
            server.enqueue(MockResponse.builder().fault(Fault.STALL).build());
            CompletableFuture<Response> holder =
                    single.get(server.url("/stall")).sendAsync();
            assertThat(server.takeRequest().path())
                    .as("the holder has the connection")
                    .isEqualTo("/stall");
            CompletableFuture<Response> waiter = single.get(server.url("/get")).sendAsync();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (single.poolStats().waiting() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(single.poolStats().waiting()).isEqualTo(1);

            waiter.cancel(true);
            assertThat(single.poolStats().waiting()).isZero();
            holder.cancel(true);
            assertThatThrownBy(holder::join).isInstanceOf(CancellationException.class);
            assertThat(single.get(server.url("/get")).send().status()).isEqualTo(200);
        }
    }

    /**
     * The cancelled call ended once, and gave back each connection it took: {@code connections}
     * (0 when cancelled before it had one, 1 after).
     */
    private static void assertEndedOnce(RecordedEvents events, int connections) throws InterruptedException {
        events.await(Event.Type.CALL_FAILED, null);
        Thread.sleep(200); // a second end, or a connection taken late, would have shown by now
        assertThat(events.count(Event.Type.CALL_FAILED))
                .as("the call ended once")
                .isOne();
        assertThat(events.count(Event.Type.CONNECTION_ACQUIRED))
                .as("connections taken")
                .isEqualTo(connections);
        assertThat(events.count(Event.Type.CONNECTION_RELEASED))
                .as("connections given back")
                .isEqualTo(connections);
    }

    private Path bigFile() throws IOException {
        Path file = dir.resolve("upload.bin");
        byte[] chunk = new byte[1 << 20];
        try (var out = Files.newOutputStream(file)) {
            for (int i = 0; i < 64; i++) {
                out.write(chunk);
            }
        }
        return file;
    }

    static long openHandlesTo(Path file) throws IOException {
        Path target = file.toRealPath();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                        try {
                            return Files.readSymbolicLink(fd).equals(target);
                        } catch (IOException gone) {
                            return false;
                        }
                    })
                    .count();
        }
    }
}
