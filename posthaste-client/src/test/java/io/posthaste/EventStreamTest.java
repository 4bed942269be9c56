package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posthaste.testing.EventStreamEndpoint;
import io.posthaste.testing.MockResponse;
import io.posthaste.testing.RecordedRequest;
import io.posthaste.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link ClientSession#events}: Server-Sent Events that reconnect by themselves, end to end. */
class EventStreamTest {

    private TestServer server;
    private ClientSession session;

    @BeforeEach
    void start() {
        server = TestServer.start();
        session = ClientSession.create();
    }

    @AfterEach
    void stop() {
        session.close();
        server.close();
    }

    private static EventStreamEndpoint.Builder feed() {
        return EventStreamEndpoint.builder()
                .event("1", "tick", "one")
                .event("2", null, "two\nlines")
                .event("3", "tick", "three")
                .event("4", null, "four")
                .event("5", null, "five");
    }

    private static List<ServerSentEvent> readAll(EventStream stream) {
        List<ServerSentEvent> events = new ArrayList<>();
        stream.forEach(events::add);
        return events;
    }

    @Test
    void eventsArriveWithIdTypeAndDataAndTheStreamEndsOnTheServers204() {
        server.mount("/feed", feed().build());
        try (EventStream stream = session.events(server.url("/feed")).open()) {
            List<ServerSentEvent> events = readAll(stream);
            assertThat(events).extracting(ServerSentEvent::id).containsExactly("1", "2", "3", "4", "5");
            assertThat(events)
                    .extracting(ServerSentEvent::event)
                    .containsExactly("tick", "message", "tick", "message", "message");
            assertThat(events.get(1).data()).isEqualTo("two\nlines");
            // The body ended normally, so the stream reconnected once, and the server said 204.
            assertThat(stream.connectionCount()).isEqualTo(2);
        }
        RecordedRequest first = server.takeRequest();
        assertThat(first.header("Accept")).isEqualTo("text/event-stream");
        assertThat(first.header("Cache-Control")).isEqualTo("no-cache");
        assertThat(first.header("Last-Event-ID")).isNull();
        assertThat(server.takeRequest().header("Last-Event-ID")).isEqualTo("5");
    }

    @Test
    void aDroppedConnectionResumesWithLastEventIdAfterTheServersRetryDelay() {
        EventStreamEndpoint endpoint =
                feed().retry(Duration.ofMillis(150)).dropAfter(2).build();
        server.mount("/feed", endpoint);
        long start = System.nanoTime();
        try (EventStream stream = session.events(server.url("/feed"))
                .retryDelay(Duration.ofSeconds(30))
                .open()) {
            List<ServerSentEvent> events = readAll(stream);
            // Every event once, none twice, and never the half event each drop leaves behind.
            assertThat(events)
                    .extracting(ServerSentEvent::data)
                    .containsExactly("one", "two\nlines", "three", "four", "five");
            assertThat(events.get(0).retry()).isEmpty();
            assertThat(stream.lastEventId()).isEqualTo("5");
        }
        assertThat(endpoint.lastEventIds()).containsExactly(null, "2", "4", "5");
        // Three reconnections, each after the server's 150 ms rather than the client's 30 s.
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isBetween(Duration.ofMillis(450), Duration.ofSeconds(10));
    }

    @Test
    void aStartingLastEventIdIsSentOnTheFirstConnection() {
        EventStreamEndpoint endpoint = feed().build();
        server.mount("/feed", endpoint);
        try (EventStream stream =
                session.events(server.url("/feed")).lastEventId("3").open()) {
            assertThat(readAll(stream)).extracting(ServerSentEvent::id).containsExactly("4", "5");
        }
        assertThat(endpoint.lastEventIds()).containsExactly("3", "5");
    }

    @Test
    void aStreamThatStartsWith204IsEmpty() {
        server.enqueue(MockResponse.status(204));
        try (EventStream stream = session.events(server.url("/none")).open()) {
            assertThat(stream.iterator().hasNext()).isFalse();
        }
    }

    @Test
    void aClientErrorOnOpenIsTheUsualExceptionWithTheResponse() {
        server.enqueue(MockResponse.builder().status(403).body("go away").build());
        assertThatThrownBy(() -> session.events(server.url("/feed")).open())
                .isInstanceOfSatisfying(ClientResponseException.class, e -> {
                    assertThat(e.status()).isEqualTo(403);
                    assertThat(e.bodyText()).isEqualTo("go away");
                });
    }

    @Test
    void aResponseThatIsNotAnEventStreamIsAContentTypeExceptionAndIsNotRetried() {
        server.enqueue(MockResponse.builder()
                .header("Content-Type", "text/html")
                .body("<p>login</p>")
                .build());
        assertThatThrownBy(() -> session.events(server.url("/feed")).open())
                .isInstanceOfSatisfying(ContentTypeException.class, e -> {
                    assertThat(e.status()).isEqualTo(200);
                    assertThat(e.headers().firstValue("Content-Type")).hasValue("text/html");
                    assertThat(e.bodyText()).isEqualTo("<p>login</p>");
                    assertThat(e).hasMessageContaining("text/event-stream").hasMessageContaining("GET ");
                });
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void aReconnectionAnsweredWith5xxEndsTheIterationWithTheException() {
        server.enqueue(eventsThenEnd("id: 1\ndata: a\n\n"));
        server.enqueue(MockResponse.status(503));
        try (EventStream stream =
                session.events(server.url("/feed")).retryDelay(Duration.ZERO).open()) {
            Iterator<ServerSentEvent> it = stream.iterator();
            assertThat(it.next().data()).isEqualTo("a");
            assertThatThrownBy(it::hasNext)
                    .isInstanceOfSatisfying(
                            ClientResponseException.class,
                            e -> assertThat(e.status()).isEqualTo(503));
            assertThat(stream.isClosed()).isTrue();
        }
    }

    @Test
    void reconnectionsGiveUpAfterTheMaximumAttemptsWithoutAnEvent() {
        server.enqueue(eventsThenEnd("data: a\n\n"));
        for (int i = 0; i < 3; i++) {
            server.enqueue(eventsThenEnd(": nothing\n\n"));
        }
        try (EventStream stream = session.events(server.url("/feed"))
                .retryDelay(Duration.ofMillis(1))
                .maxReconnectAttempts(3)
                .open()) {
            Iterator<ServerSentEvent> it = stream.iterator();
            assertThat(it.next().data()).isEqualTo("a");
            assertThatThrownBy(it::hasNext)
                    .isInstanceOf(ClientConnectionException.class)
                    .hasMessageContaining("without sending an event");
        }
        assertThat(server.requestCount()).isEqualTo(4);
    }

    @Test
    void aRefusedReconnectionBacksOffAndCountsAsAnAttempt() throws Exception {
        int port;
        try (TestServer gone = TestServer.start()) {
            port = gone.port();
            gone.enqueue(
                    eventsThenEnd("data: a\n\n").toBuilder().closeConnection().build());
            EventStream stream = session.events(gone.url("/feed"))
                    .retryDelay(Duration.ofMillis(20))
                    .maxReconnectAttempts(3)
                    .open();
            try (stream) {
                Iterator<ServerSentEvent> it = stream.iterator();
                assertThat(it.next().data()).isEqualTo("a");
                gone.close();
                long start = System.nanoTime();
                assertThatThrownBy(it::hasNext).isInstanceOf(ClientConnectionException.class);
                // 20 + 20 + 40 ms: the delay doubles after each failed attempt.
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(80));
                assertThat(stream.connectionCount()).isEqualTo(4);
            }
        }
        assertThat(port).isPositive();
    }

    @Test
    void theServersRetryIsCappedByTheMaximumDelay() {
        server.enqueue(eventsThenEnd("retry: 3600000\ndata: a\n\n"));
        server.enqueue(MockResponse.status(204));
        long start = System.nanoTime();
        try (EventStream stream = session.events(server.url("/feed"))
                .maxRetryDelay(Duration.ofMillis(50))
                .open()) {
            List<ServerSentEvent> events = readAll(stream);
            assertThat(events.get(0).retry()).hasValue(Duration.ofHours(1));
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void closeFromAnotherThreadEndsABlockedIteration() throws Exception {
        server.enqueue(MockResponse.builder()
                .header("Content-Type", "text/event-stream")
                .body("data: a\n\ndata: never\n\n")
                .chunked(9)
                .chunkPause(Duration.ofMinutes(10))
                .build());
        EventStream stream = session.events(server.url("/feed")).open();
        Iterator<ServerSentEvent> it = stream.iterator();
        assertThat(it.next().data()).isEqualTo("a");
        CompletableFuture<Boolean> blocked = CompletableFuture.supplyAsync(it::hasNext);
        Thread.sleep(100);
        assertThat(blocked).isNotDone();
        stream.close();
        assertThat(blocked.get(5, TimeUnit.SECONDS)).isFalse();
        assertThat(stream.isClosed()).isTrue();
    }

    @Test
    void closeDuringTheReconnectionDelayEndsTheIterationAtOnce() throws Exception {
        server.enqueue(eventsThenEnd("data: a\n\n"));
        EventStream stream = session.events(server.url("/feed"))
                .retryDelay(Duration.ofMinutes(10))
                .open();
        Iterator<ServerSentEvent> it = stream.iterator();
        assertThat(it.next().data()).isEqualTo("a");
        CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(it::hasNext);
        Thread.sleep(100);
        stream.close();
        assertThat(waiting.get(5, TimeUnit.SECONDS)).isFalse();
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void anEventOverTheSizeLimitIsAPayloadException() {
        server.enqueue(eventsThenEnd("data: " + "x".repeat(200) + "\n\n"));
        try (EventStream stream =
                session.events(server.url("/feed")).maxEventSize(100).open()) {
            assertThatThrownBy(() -> stream.iterator().hasNext())
                    .isInstanceOf(ClientPayloadException.class)
                    .hasMessageContaining("100 bytes");
        }
    }

    @Test
    void theReadTimeoutBreaksAQuietConnectionWhichIsThenResumed() {
        server.enqueue(MockResponse.builder()
                .header("Content-Type", "text/event-stream")
                .body("id: 1\ndata: a\n\ndata: late\n\n")
                .chunked(15)
                .chunkPause(Duration.ofMinutes(10))
                .build());
        server.enqueue(eventsThenEnd("id: 2\ndata: b\n\n"));
        server.enqueue(MockResponse.status(204));
        try (EventStream stream = session.events(server.url("/feed"))
                .readTimeout(Duration.ofMillis(200))
                .retryDelay(Duration.ZERO)
                .open()) {
            assertThat(readAll(stream)).extracting(ServerSentEvent::data).containsExactly("a", "b");
        }
        server.takeRequest();
        assertThat(server.takeRequest().header("Last-Event-ID")).isEqualTo("1");
    }

    @Test
    void aListenerGetsEveryEventThenOnClosedOnTheStreamsOwnThread() throws Exception {
        server.mount("/feed", feed().dropAfter(3).build());
        List<String> seen = new CopyOnWriteArrayList<>();
        CountDownLatch closed = new CountDownLatch(1);
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        try (EventStream stream = session.events(server.url("/feed"))
                .retryDelay(Duration.ZERO)
                .open(new EventStream.Listener() {
                    @Override
                    public void onEvent(ServerSentEvent event) {
                        seen.add(Thread.currentThread().getName() + ":" + event.data());
                    }

                    @Override
                    public void onError(Throwable failure) {
                        errors.add(failure);
                    }

                    @Override
                    public void onClosed() {
                        closed.countDown();
                    }
                })) {
            assertThat(closed.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(seen).hasSize(5).allMatch(s -> s.startsWith("posthaste-events-"));
            assertThat(errors).isEmpty();
            assertThatThrownBy(stream::iterator).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void aListenerHearsAFailedOpenAndAThrowingListenerEndsTheStream() throws Exception {
        server.enqueue(MockResponse.status(404));
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        session.events(server.url("/feed")).open(new EventStream.Listener() {
            @Override
            public void onEvent(ServerSentEvent event) {}

            @Override
            public void onError(Throwable t) {
                failure.complete(t);
            }
        });
        assertThat(failure.get(5, TimeUnit.SECONDS)).isInstanceOf(ClientResponseException.class);

        server.mount("/feed", feed().build());
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        CountDownLatch closed = new CountDownLatch(1);
        EventStream stream = session.events(server.url("/feed")).open(new EventStream.Listener() {
            @Override
            public void onEvent(ServerSentEvent event) {
                throw new IllegalStateException("listener broke on " + event.id());
            }

            @Override
            public void onError(Throwable t) {
                thrown.complete(t);
            }

            @Override
            public void onClosed() {
                closed.countDown();
            }
        });
        assertThat(thrown.get(5, TimeUnit.SECONDS)).hasMessage("listener broke on 1");
        assertThat(closed.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(stream.isClosed()).isTrue();
    }

    @Test
    void closingAListenersStreamStopsItWithoutAnError() throws Exception {
        server.enqueue(MockResponse.builder()
                .header("Content-Type", "text/event-stream")
                .body("data: a\n\ndata: never\n\n")
                .chunked(9)
                .chunkPause(Duration.ofMinutes(10))
                .build());
        CountDownLatch first = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        EventStream stream = session.events(server.url("/feed")).open(new EventStream.Listener() {
            @Override
            public void onEvent(ServerSentEvent event) {
                first.countDown();
            }

            @Override
            public void onError(Throwable t) {
                errors.add(t);
            }

            @Override
            public void onClosed() {
                closed.countDown();
            }
        });
        assertThat(first.await(5, TimeUnit.SECONDS)).isTrue();
        stream.close();
        assertThat(closed.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(errors).isEmpty();
    }

    @Test
    void badSettingsFailAtOnce() {
        EventStream.Builder b = session.events(server.url("/feed"));
        assertThatThrownBy(() -> b.lastEventId("a\nb")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.maxReconnectAttempts(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.retryDelay(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.readTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.maxEventSize(10)).isInstanceOf(IllegalArgumentException.class);
    }

    /** An event stream whose body ends (normally) after {@code text}. */
    private static MockResponse eventsThenEnd(String text) {
        return MockResponse.builder()
                .header("Content-Type", "text/event-stream")
                .body(text)
                .build();
    }
}
