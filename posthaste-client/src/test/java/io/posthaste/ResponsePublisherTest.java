package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http2.Http2Error;
import io.posthaste.testing.MockResponse;
import io.posthaste.testing.ReceivedReset;
import io.posthaste.testing.RecordedRequest;
import io.posthaste.testing.TestServer;
import java.io.IOException;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A response body read through {@link StreamingResponse#publisher()}, on HTTP/1.1 and HTTP/2 alike:
 * it arrives whole in buffers the subscriber owns, the connection reads only as fast as the
 * subscriber requests, a cancel releases the connection at once, failures come as the usual typed
 * exceptions through onError, and the Reactive Streams rules a publisher owes hold throughout.
 */
class ResponsePublisherTest {

    /** The two protocols every behaviour is proved on. */
    enum Wire {
        HTTP_1_1,
        HTTP_2;

        TestServer server() {
            return this == HTTP_2 ? TestServer.builder().http2().start() : TestServer.start();
        }

        ClientSession.Builder session() {
            return this == HTTP_2
                    ? ClientSession.builder().protocols(Protocol.H2_PRIOR_KNOWLEDGE)
                    : ClientSession.builder();
        }
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void aBodyArrivesWholeInBuffersTheSubscriberOwnsAndItsConnectionIsPooledBeforeOnComplete(Wire wire)
            throws Exception {
        byte[] body = randomBytes(3 * 1024 * 1024 + 17);
        try (TestServer server = wire.server();
                ClientSession session = wire.session().build()) {
            server.enqueue(MockResponse.builder().body(body).build());
            AtomicLong leasedAtComplete = new AtomicLong(-1);
            FlowSubscriber subscriber = FlowSubscriber.requesting(Long.MAX_VALUE);
            subscriber.done.thenRun(
                    () -> leasedAtComplete.set(session.poolStats().leased()));
            AtomicLong idleAtComplete = new AtomicLong(-1);
            subscriber.done.thenRun(() -> idleAtComplete.set(session.poolStats().idle()));

            StreamingResponse response =
                    session.get(server.url("/big")).streamAsync().get(10, TimeUnit.SECONDS);
            assertThat(response.status()).isEqualTo(200);
            response.publisher().subscribe(subscriber);
            subscriber.awaitComplete();

            // The buffers were kept, not copied: each is the subscriber's own, never reused.
            assertThat(subscriber.bytes()).isEqualTo(body);
            assertThat(leasedAtComplete.get())
                    .as("connections leased when onComplete ran")
                    .isZero();
            assertThat(idleAtComplete.get())
                    .as("connections idle when onComplete ran")
                    .isEqualTo(1);
            // Async, so on the shared pool (a blocking send() may drive a connection of its own).
            assertThat(session.get(server.url("/get"))
                            .sendAsync()
                            .get(10, TimeUnit.SECONDS)
                            .status())
                    .isEqualTo(200);
            assertThat(server.connectionCount())
                    .as("the next request reused the connection")
                    .isEqualTo(1);
            assertThat(subscriber.threads)
                    .as("signals never on an I/O thread")
                    .noneMatch(name -> name.startsWith("posthaste-io"))
                    .noneMatch(name -> name.equals(Thread.currentThread().getName()));
            subscriber.assertRulesKept();
        }
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void aSubscriberThatStopsRequestingStopsTheConnectionReadingAndResumesItWhenItRequestsAgain(Wire wire)
            throws Exception {
        int size = 32 * 1024 * 1024;
        AtomicLong fromNetwork = new AtomicLong();
        try (TestServer server = wire.server();
                ClientSession session = wire.session().build()) {
            server.enqueue(MockResponse.builder().body(new byte[size]).build());
            FlowSubscriber subscriber = FlowSubscriber.requesting(1);
            try (StreamingResponse response =
                    session
                            .get(server.url("/big"))
                            .onDownloadProgress((done, total) -> fromNetwork.set(done))
                            .stream()) {
                response.publisher().subscribe(subscriber);
                subscriber.awaitBytes(1, Duration.ofSeconds(5));
                Thread.sleep(700);

                long buffered = fromNetwork.get() - subscriber.received.get();
                // What the reader may fall behind (1 MiB), one read or stream window more.
                assertThat(buffered)
                        .as("bytes the client holds for a subscriber that stopped requesting")
                        .isLessThan(2 * 1024 * 1024 + 64 * 1024);
                assertThat(fromNetwork.get())
                        .as("the connection stopped reading")
                        .isLessThan(size / 4);

                subscriber.request(Long.MAX_VALUE);
                subscriber.awaitComplete();
                assertThat(subscriber.received.get()).isEqualTo(size);
            }
            subscriber.assertRulesKept();
        }
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void cancellingMidBodyReleasesTheConnectionAtOnceAndNothingIsSignalledAfter(Wire wire) throws Exception {
        try (TestServer server = wire.server();
                ClientSession session =
                        wire.session().maxConnectionsPerOrigin(1).build()) {
            server.enqueue(MockResponse.builder()
                    .body(new byte[8 * 1024 * 1024])
                    .throttle(64 * 1024, Duration.ofMillis(20))
                    .build());
            FlowSubscriber subscriber = FlowSubscriber.requesting(Long.MAX_VALUE, FlowSubscriber::cancel);
            StreamingResponse response =
                    session.get(server.url("/slow")).streamAsync().get(10, TimeUnit.SECONDS);
            response.publisher().subscribe(subscriber);
            subscriber.awaitBytes(1, Duration.ofSeconds(5));
            Thread.sleep(300);

            assertThat(subscriber.buffers).as("no onNext after cancel").hasSize(1);
            assertThat(subscriber.isTerminated())
                    .as("no terminal signal after cancel")
                    .isFalse();
            assertThat(session.poolStats().leased())
                    .as("released on cancel, without close()")
                    .isZero();
            // On the shared pool of one connection: it would wait if the cancel had not released it.
            assertThat(session.get(server.url("/get"))
                            .sendAsync()
                            .get(10, TimeUnit.SECONDS)
                            .status())
                    .isEqualTo(200);
            if (wire == Wire.HTTP_2) {
                RecordedRequest cancelled = server.takeRequest();
                assertThat(server.resetsReceived())
                        .containsExactly(new ReceivedReset(
                                cancelled.connectionId(), cancelled.streamId(), Http2Error.CANCEL.code()));
                assertThat(server.connectionCount())
                        .as("the connection carries on")
                        .isEqualTo(1);
            } else {
                assertThat(server.connectionCount())
                        .as("a half-read HTTP/1.1 connection is closed")
                        .isEqualTo(2);
            }
            response.close(); // Harmless after the cancel.
            subscriber.assertRulesKept();
        }
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void aSecondSubscriberIsRefusedWithIllegalStateExceptionAndTheFirstReadsOn(Wire wire) throws Exception {
        try (TestServer server = wire.server();
                ClientSession session = wire.session().build();
                StreamingResponse response = session.get(server.url("/bytes/100000")).stream()) {
            FlowSubscriber first = FlowSubscriber.requesting(Long.MAX_VALUE);
            FlowSubscriber second = FlowSubscriber.requesting(Long.MAX_VALUE);
            response.publisher().subscribe(first);
            response.publisher().subscribe(second);

            assertThat(second.awaitError())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("once");
            first.awaitComplete();
            assertThat(first.received.get()).isEqualTo(100_000);
            first.assertRulesKept();
            second.assertRulesKept();
        }
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void requestingZeroOrLessEndsTheSubscriptionWithIllegalArgumentExceptionAndReleasesTheConnection(Wire wire)
            throws Exception {
        for (long invalid : new long[] {0, -1, Long.MIN_VALUE}) {
            try (TestServer server = wire.server();
                    ClientSession session = wire.session().build()) {
                server.enqueue(
                        MockResponse.builder().body(new byte[4 * 1024 * 1024]).build());
                FlowSubscriber subscriber = FlowSubscriber.requesting(0);
                StreamingResponse response = session.get(server.url("/big")).stream();
                response.publisher().subscribe(subscriber);
                subscriber.awaitSubscribed();
                subscriber.request(invalid);

                assertThat(subscriber.awaitError())
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("3.9");
                assertThat(session.poolStats().leased()).isZero();
                subscriber.assertRulesKept();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void anEmptyBodyCompletesWithoutABufferEvenBeforeAnythingIsRequested(Wire wire) throws Exception {
        try (TestServer server = wire.server();
                ClientSession session = wire.session().build()) {
            server.enqueue(MockResponse.builder().body(new byte[0]).build());
            server.enqueue(MockResponse.builder().status(204).build());
            for (int i = 0; i < 2; i++) {
                FlowSubscriber subscriber = FlowSubscriber.requesting(0);
                session.get(server.url("/empty"))
                        .streamAsync()
                        .get(10, TimeUnit.SECONDS)
                        .publisher()
                        .subscribe(subscriber);
                subscriber.awaitComplete();
                assertThat(subscriber.buffers).isEmpty();
                subscriber.assertRulesKept();
            }
            assertThat(session.poolStats().leased()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void aBodyCutShortIsDeliveredAsOnErrorWithATypedExceptionAfterTheBytesBeforeIt(Wire wire) throws Exception {
        try (TestServer server = wire.server();
                ClientSession session = wire.session().build()) {
            MockResponse.Builder cut =
                    MockResponse.builder().body(new byte[1024 * 1024]).disconnectAfterBodyBytes(100_000);
            server.enqueue((wire == Wire.HTTP_2 ? cut.resetStream(Http2Error.INTERNAL_ERROR) : cut).build());
            FlowSubscriber subscriber = FlowSubscriber.requesting(Long.MAX_VALUE);
            session.get(server.url("/cut"))
                    .streamAsync()
                    .get(10, TimeUnit.SECONDS)
                    .publisher()
                    .subscribe(subscriber);

            Throwable error = subscriber.awaitError();
            assertThat(error)
                    .isInstanceOf(wire == Wire.HTTP_2 ? ClientConnectionException.class : ClientPayloadException.class);
            assertThat(subscriber.received.get()).isEqualTo(100_000);
            assertThat(session.poolStats().leased()).isZero();
            subscriber.assertRulesKept();
        }
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void aReadTimeoutMidBodyIsDeliveredAsClientTimeoutException(Wire wire) throws Exception {
        try (TestServer server = wire.server();
                ClientSession session = wire.session()
                        .timeouts(
                                Timeouts.builder().read(Duration.ofMillis(300)).build())
                        .build()) {
            server.enqueue(MockResponse.builder()
                    .body(new byte[200_000])
                    .throttle(50_000, Duration.ofSeconds(2))
                    .build());
            FlowSubscriber subscriber = FlowSubscriber.requesting(Long.MAX_VALUE);
            session.get(server.url("/trickle"))
                    .streamAsync()
                    .get(10, TimeUnit.SECONDS)
                    .publisher()
                    .subscribe(subscriber);

            assertThat(subscriber.awaitError())
                    .isInstanceOfSatisfying(
                            ClientTimeoutException.class,
                            e -> assertThat(e.phase()).isEqualTo(ClientTimeoutException.Phase.READ));
            assertThat(session.poolStats().leased()).isZero();
            subscriber.assertRulesKept();
        }
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void closingTheResponseUnderASubscriberEndsItWithCancellationException(Wire wire) throws Exception {
        try (TestServer server = wire.server();
                ClientSession session = wire.session().build()) {
            server.enqueue(
                    MockResponse.builder().body(new byte[4 * 1024 * 1024]).build());
            FlowSubscriber subscriber = FlowSubscriber.requesting(1);
            StreamingResponse response = session.get(server.url("/big")).stream();
            response.publisher().subscribe(subscriber);
            subscriber.awaitBytes(1, Duration.ofSeconds(5));
            response.close();

            assertThat(subscriber.awaitError()).isInstanceOf(CancellationException.class);
            assertThat(session.poolStats().leased()).isZero();
            subscriber.assertRulesKept();
        }
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void onceSubscribedTheBlockingStreamRefusesToReadAndTrailersFollowTheLastBuffer(Wire wire) throws Exception {
        try (TestServer server = wire.server();
                ClientSession session = wire.session().build()) {
            server.enqueue(MockResponse.builder()
                    .body("hello")
                    .trailer("X-Checksum", "42")
                    .build());
            FlowSubscriber subscriber = FlowSubscriber.requesting(0);
            try (StreamingResponse response = session.get(server.url("/t")).stream()) {
                response.publisher().subscribe(subscriber);
                assertThatThrownBy(() -> response.body().read())
                        .isInstanceOf(IOException.class)
                        .hasMessageContaining("Flow.Subscriber");
                subscriber.awaitSubscribed();
                subscriber.request(Long.MAX_VALUE);
                subscriber.awaitComplete();
                assertThat(new String(subscriber.bytes())).isEqualTo("hello");
                assertThat(response.trailers().get("X-Checksum")).isEqualTo("42");
            }
            subscriber.assertRulesKept();
        }
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void anErrorStatusFailsStreamAsyncWithClientResponseExceptionAndLeavesNothingLeased(Wire wire) {
        try (TestServer server = wire.server();
                ClientSession session = wire.session().build()) {
            assertThatThrownBy(() ->
                            session.get(server.url("/status/503")).streamAsync().join())
                    .hasCauseInstanceOf(ClientResponseException.class);
            assertThat(session.poolStats().leased()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void aSubscriberThatThrowsIsCancelledAndItsConnectionReleased(Wire wire) throws Exception {
        try (TestServer server = wire.server();
                ClientSession session = wire.session().build()) {
            server.enqueue(
                    MockResponse.builder().body(new byte[4 * 1024 * 1024]).build());
            FlowSubscriber subscriber = FlowSubscriber.requesting(Long.MAX_VALUE, s -> {
                throw new IllegalStateException("a bug in the subscriber");
            });
            session.get(server.url("/big"))
                    .streamAsync()
                    .get(10, TimeUnit.SECONDS)
                    .publisher()
                    .subscribe(subscriber);
            subscriber.awaitBytes(1, Duration.ofSeconds(5));

            waitFor(() -> session.poolStats().leased() == 0);
            Thread.sleep(100);
            assertThat(subscriber.buffers)
                    .as("no onNext after the one that threw (rule 2.13)")
                    .hasSize(1);
            assertThat(subscriber.isTerminated()).isFalse();
            subscriber.assertRulesKept();
        }
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void cancellingTheFutureOfStreamAsyncBeforeTheHeadAbortsTheExchange(Wire wire) throws Exception {
        try (TestServer server = wire.server();
                ClientSession session = wire.session().build()) {
            server.enqueue(MockResponse.builder()
                    .body("late")
                    .headersDelay(Duration.ofMillis(500))
                    .build());
            var pending = session.get(server.url("/late")).streamAsync();
            server.takeRequest();
            assertThat(pending.cancel(true)).isTrue();

            waitFor(() -> session.poolStats().leased() == 0);
            assertThat(session.get(server.url("/get")).send().status()).isEqualTo(200);
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        assertThat(condition.getAsBoolean()).as("condition within 5 s").isTrue();
    }
}
