package io.posthaste.internal.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.posthaste.ClientConnectionException;
import io.posthaste.ClientSession;
import io.posthaste.ClientTimeoutException;
import io.posthaste.Request;
import io.posthaste.Response;
import io.posthaste.Timeouts;
import io.posthaste.internal.connection.ConnectionSource;
import io.posthaste.internal.connection.Origin;
import io.posthaste.internal.session.SessionConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The protocol-neutral exchange alone, over a fake carrier and a fake connection source: which
 * phase it goes through, when it sends a request again, and what it gives back, and how, on
 * every way out. Everything runs on one embedded loop, so each step is deterministic.
 */
class ExchangeTest {

    private static final ClientSession SESSION = ClientSession.create();
    private static final SessionConfig CONFIG = config(SESSION);

    private final FakeSource source = new FakeSource();

    @AfterAll
    static void closeSession() {
        SESSION.close();
    }

    @AfterEach
    void closeChannels() {
        source.opened.forEach(c -> c.channel.finishAndReleaseAll());
        source.loop.finishAndReleaseAll();
    }

    @Test
    void aBufferedAnswerCompletesTheCallAndGivesTheConnectionBackForReuse() {
        CompletableFuture<Response> result =
                start(SESSION.get("http://example.test/a").build(), BodyPolicy.BUFFERED);
        FakeConnection conn = source.opened.get(0);
        assertThat(conn.bound).as("bound before it writes").isNotNull();
        conn.attempt.onWritten(null);
        answer(conn, 200, "ok");
        assertThat(result.join().text()).isEqualTo("ok");
        assertThat(source.released).containsExactly(Map.entry(conn, true));
        assertThat(conn.bound).as("unbound once over").isNull();
    }

    @Test
    void aConnectionFoundClosedBeforeTheWriteIsReplacedByAFreshOneEvenForAPost() {
        FakeConnection stale = source.idle(true);
        stale.usable = false;
        CompletableFuture<Response> result = start(
                SESSION.post("http://example.test/a").body("x", "text/plain").build(), BodyPolicy.BUFFERED);
        assertThat(source.opened).hasSize(2);
        assertThat(stale.writes).as("nothing is written on a closed connection").isZero();
        assertThat(stale.discarded).as("its encoded request is freed").isTrue();
        FakeConnection fresh = source.opened.get(1);
        assertThat(source.freshAcquires).as("the next one never sat idle").isEqualTo(1);
        fresh.attempt.onWritten(null);
        answer(fresh, 201, "made");
        assertThat(result.join().status()).isEqualTo(201);
        assertThat(source.released).containsExactly(Map.entry(stale, false), Map.entry(fresh, true));
    }

    @Test
    void aPostLostAfterItsBytesLeftIsNeverSentAgainAndSaysItMayHaveBeenProcessed() {
        FakeConnection reused = source.idle(true);
        CompletableFuture<Response> result = start(
                SESSION.post("http://example.test/a").body("x", "text/plain").build(), BodyPolicy.BUFFERED);
        reused.attempt.onBytesMayHaveLeft();
        reused.attempt.onWritten(null);
        reused.bound.onConnectionClosed();
        assertThat(failure(result))
                .isInstanceOfSatisfying(
                        ClientConnectionException.class,
                        e -> assertThat(e.getMessage()).contains("may have been processed"));
        assertThat(source.opened).as("not sent again").hasSize(1);
        assertThat(source.released).containsExactly(Map.entry(reused, false));
    }

    @Test
    void aGetLostOnAReusedConnectionBeforeItsAnswerGoesAgainOnAFreshOne() {
        FakeConnection reused = source.idle(true);
        CompletableFuture<Response> result =
                start(SESSION.get("http://example.test/a").build(), BodyPolicy.BUFFERED);
        reused.attempt.onBytesMayHaveLeft();
        reused.attempt.onWritten(null);
        reused.bound.onConnectionClosed();
        FakeConnection fresh = source.opened.get(1);
        fresh.attempt.onWritten(null);
        answer(fresh, 200, "again");
        assertThat(result.join().text()).isEqualTo("again");
    }

    @Test
    void silentRetriesStopAfterTwoSoAServerThatClosesEveryConnectionCannotKeepACallGoing() {
        CompletableFuture<Response> result =
                start(SESSION.get("http://example.test/a").build(), BodyPolicy.BUFFERED);
        for (int i = 0; i < 3; i++) {
            FakeConnection conn = source.opened.get(i);
            conn.bound.onConnectionClosed(); // closed before a byte left: any request may go again
        }
        assertThat(failure(result)).isInstanceOf(ClientConnectionException.class);
        assertThat(source.opened).as("the first try and two more").hasSize(3);
    }

    @Test
    void anAnswerBeforeTheRequestIsWrittenEndsTheExchangeButTheConnectionIsNotReused() {
        CompletableFuture<Response> result = start(
                SESSION.post("http://example.test/a").body("x", "text/plain").build(), BodyPolicy.BUFFERED);
        FakeConnection conn = source.opened.get(0);
        answer(conn, 413, "too big");
        assertThat(result.join().status()).isEqualTo(413);
        assertThat(source.released).containsExactly(Map.entry(conn, false));
    }

    @Test
    void aLongBodyOfUnknownLengthArrivesWholeAndInOrderAcrossItsSegments() {
        CompletableFuture<Response> result =
                start(SESSION.get("http://example.test/a").build(), BodyPolicy.BUFFERED);
        FakeConnection conn = source.opened.get(0);
        conn.attempt.onWritten(null);
        conn.bound.onMessage(new ResponseHead("HTTP/1.1", 200, "", new String[0], true, -1));
        byte[] expected = new byte[300_001];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (byte) (i * 31 + (i >> 8));
        }
        for (int from = 0; from < expected.length; from += 7_777) {
            conn.bound.onMessage(Unpooled.wrappedBuffer(expected, from, Math.min(7_777, expected.length - from)));
        }
        conn.bound.onMessage(BodyEnd.INSTANCE);
        assertThat(result.join().bytes()).isEqualTo(expected);
    }

    @Test
    void aStreamedBodyHoldsItsConnectionUntilItsReaderClosesIt() throws Exception {
        CompletableFuture<Response> result = start(
                SESSION.get("http://example.test/a").build(),
                (request, status, hasLocation) -> BodyPolicy.Holding.STREAM);
        FakeConnection conn = source.opened.get(0);
        conn.attempt.onWritten(null);
        conn.bound.onMessage(head(200, 4));
        Response streamed = result.getNow(null);
        assertThat(streamed).as("handed back with the head").isNotNull();
        conn.bound.onMessage(Unpooled.copiedBuffer("body", StandardCharsets.US_ASCII));
        conn.bound.onMessage(BodyEnd.INSTANCE);
        assertThat(source.released).as("held while the reader reads").isEmpty();
        try (var body = Bridge.stream(streamed)) {
            assertThat(new String(body.readAllBytes(), StandardCharsets.US_ASCII))
                    .isEqualTo("body");
        }
        conn.channel.runPendingTasks();
        assertThat(source.released).containsExactly(Map.entry(conn, true));
    }

    @Test
    void cancellingGivesTheConnectionBackOnceAndNeverForReuse() {
        CompletableFuture<Response> result =
                start(SESSION.get("http://example.test/a").build(), BodyPolicy.BUFFERED);
        FakeConnection conn = source.opened.get(0);
        Exchange exchange = conn.bound;
        result.cancel(false);
        exchange.cancel();
        exchange.cancel();
        exchange.onMessage(head(200, 0));
        exchange.onMessage(BodyEnd.INSTANCE);
        assertThat(source.released).containsExactly(Map.entry(conn, false));
    }

    @Test
    void aCallWhoseDeadlineHasPassedFailsWithoutAskingForAConnection() {
        Request request = SESSION.get("http://example.test/a")
                .timeouts(Timeouts.builder().total(Duration.ofSeconds(1)).build())
                .build();
        long[] now = {0};
        Deadline spent = Deadline.after(Optional.of(Duration.ofSeconds(1)), () -> now[0]);
        now[0] = Duration.ofSeconds(2).toNanos();
        CompletableFuture<Response> result = new CompletableFuture<>();
        new Exchange(
                        WireHeaders.spec(CONFIG, request, BodyPolicy.BUFFERED),
                        source,
                        result,
                        CONFIG,
                        new Failures(() -> false))
                .start(spent);
        assertThat(failure(result))
                .isInstanceOfSatisfying(
                        ClientTimeoutException.class,
                        e -> assertThat(e.phase()).isEqualTo(ClientTimeoutException.Phase.TOTAL));
        assertThat(source.opened).isEmpty();
    }

    @Test
    void thePhasesRefuseEveryMoveTheDiagramDoesNotHave() {
        assertThat(ExchangePhase.SENDING.moveTo(ExchangePhase.ACQUIRING)).isEqualTo(ExchangePhase.ACQUIRING);
        assertThatThrownBy(() -> ExchangePhase.BODY.moveTo(ExchangePhase.ACQUIRING))
                .as("no silent retry once the answer began")
                .isInstanceOf(IllegalStateException.class);
        for (ExchangePhase next : ExchangePhase.values()) {
            assertThatThrownBy(() -> ExchangePhase.DONE.moveTo(next)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> ExchangePhase.FAILED.moveTo(next)).isInstanceOf(IllegalStateException.class);
        }
        assertThatThrownBy(() -> ExchangePhase.ACQUIRING.moveTo(ExchangePhase.BODY))
                .isInstanceOf(IllegalStateException.class);
    }

    private CompletableFuture<Response> start(Request request, BodyPolicy policy) {
        CompletableFuture<Response> result = new CompletableFuture<>();
        new Exchange(WireHeaders.spec(CONFIG, request, policy), source, result, CONFIG, new Failures(() -> false))
                .start(Deadline.NONE);
        return result;
    }

    private static void answer(FakeConnection conn, int status, String body) {
        Exchange exchange = conn.bound;
        if (exchange == null) {
            return;
        }
        exchange.onMessage(head(status, body.length()));
        exchange.onMessage(Unpooled.copiedBuffer(body, StandardCharsets.US_ASCII));
        exchange.onMessage(BodyEnd.INSTANCE);
    }

    private static ResponseHead head(int status, long length) {
        return new ResponseHead(
                "HTTP/1.1", status, "", new String[] {"Content-Length", Long.toString(length)}, true, length);
    }

    private static Throwable failure(CompletableFuture<Response> result) {
        Throwable failure = result.handle((r, e) -> e).join();
        assertThat(failure).as("the exchange failed").isNotNull();
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    private static SessionConfig config(ClientSession session) {
        try {
            java.lang.reflect.Field field = ClientSession.class.getDeclaredField("config");
            field.setAccessible(true);
            return (SessionConfig) field.get(session);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads a streamed response's body through the bridge, as the public API does. */
    private static final class Bridge {
        static java.io.InputStream stream(Response response) {
            return io.posthaste.internal.Bridge.get().stream(response);
        }
    }

    /** Hands out connections in order: the idle ones first (unless fresh), then new ones. */
    private static final class FakeSource implements ConnectionSource<ProtocolConnection> {
        final EmbeddedChannel loop = new EmbeddedChannel();
        final Deque<FakeConnection> idle = new ArrayDeque<>();
        final List<FakeConnection> opened = new ArrayList<>();
        final Map<FakeConnection, Boolean> released = new LinkedHashMap<>();
        int freshAcquires;

        FakeConnection idle(boolean reused) {
            FakeConnection conn = new FakeConnection(reused);
            idle.add(conn);
            return conn;
        }

        @Override
        public ProtocolConnection pollIdle(Origin origin) {
            FakeConnection conn = idle.poll();
            if (conn != null) {
                opened.add(conn);
            }
            return conn;
        }

        @Override
        public CompletableFuture<ProtocolConnection> acquire(Origin origin, Timeouts spec, boolean fresh) {
            freshAcquires += fresh ? 1 : 0;
            FakeConnection conn = new FakeConnection(false);
            opened.add(conn);
            return CompletableFuture.completedFuture(conn);
        }

        @Override
        public void release(ProtocolConnection connection, boolean reusable) {
            assertThat(released).as("given back once").doesNotContainKey((FakeConnection) connection);
            released.put((FakeConnection) connection, reusable);
        }

        @Override
        public EventLoop timerLoop() {
            return loop.eventLoop();
        }
    }

    /** A connection that is its own carrier, as HTTP/1.1's is; it records what the exchange did. */
    private static final class FakeConnection implements ProtocolConnection, Carrier {
        final EmbeddedChannel channel = new EmbeddedChannel();
        final boolean reused;
        boolean usable = true;
        boolean discarded;
        int writes;
        Exchange bound;
        Attempt attempt;

        FakeConnection(boolean reused) {
            this.reused = reused;
        }

        @Override
        public Carrier carrier() {
            return this;
        }

        @Override
        public Origin origin() {
            return new Origin(false, "example.test", 80);
        }

        @Override
        public io.netty.channel.Channel channel() {
            return channel;
        }

        @Override
        public EventLoop eventLoop() {
            return channel.eventLoop();
        }

        @Override
        public boolean isUsable() {
            return usable;
        }

        @Override
        public boolean isOpen() {
            return usable;
        }

        @Override
        public void close() {
            usable = false;
        }

        @Override
        public void idleSince(long nanoTime) {}

        @Override
        public long idleSince() {
            return 0;
        }

        @Override
        public boolean isReused() {
            return reused;
        }

        @Override
        public boolean isReading() {
            return false;
        }

        @Override
        public boolean peerClosedAfterRest(long restNanos) {
            return false;
        }

        @Override
        public boolean refusedUnread() {
            return false;
        }

        @Override
        public long receivedBytes() {
            return 0;
        }

        @Override
        public long interimBytes() {
            return 0;
        }

        @Override
        public long lastReadNanos() {
            return 0;
        }

        @Override
        public void checkWithin(long delayNanos) {}

        @Override
        public void markBroken() {
            usable = false;
        }

        @Override
        public void pauseReading() {}

        @Override
        public void resumeReading() {}

        @Override
        public void bind(Exchange exchange, ExchangeSpec spec) {
            bound = exchange;
        }

        @Override
        public void unbind(Exchange exchange) {
            if (bound == exchange) {
                bound = null;
            }
        }

        @Override
        public Encoded encode(ExchangeSpec spec) {
            return new Encoded() {
                @Override
                public boolean bodyFollows() {
                    return false;
                }

                @Override
                public void discard() {
                    discarded = true;
                }
            };
        }

        @Override
        public void write(Encoded request, Attempt attempt) {
            this.attempt = attempt;
            writes++;
        }

        @Override
        public void sendBody(ExchangeSpec spec, Attempt attempt) {
            throw new AssertionError("no body follows the head here");
        }
    }
}
