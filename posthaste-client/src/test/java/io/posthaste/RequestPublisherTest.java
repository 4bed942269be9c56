package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posthaste.ResponsePublisherTest.Wire;
import io.posthaste.testing.MockResponse;
import io.posthaste.testing.RecordedRequest;
import io.posthaste.testing.TestServer;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A request body taken from a {@link Flow.Publisher}, on HTTP/1.1 and HTTP/2: of known length
 * (Content-Length) or unknown (chunked, or DATA frames to END_STREAM), empty too; buffers are
 * requested only as fast as the connection takes them; the publisher's failure fails the request
 * with a typed exception; and, one-shot, it is never replayed by a redirect.
 */
class RequestPublisherTest {

    /**
     * Emits {@code count} buffers of {@code size} bytes (a counter's bytes) as they are requested,
     * then completes, or fails after {@code failAfter} buffers; records demand and cancels.
     */
    static final class Chunks implements Flow.Publisher<ByteBuffer> {
        final long count;
        final int size;
        final long failAfter;
        final AtomicLong requested = new AtomicLong();
        final AtomicBoolean cancelled = new AtomicBoolean();
        final MessageDigest sha256;
        private long sent;
        private boolean done;

        Chunks(long count, int size, long failAfter) throws Exception {
            this.count = count;
            this.size = size;
            this.failAfter = failAfter;
            this.sha256 = MessageDigest.getInstance("SHA-256");
        }

        @Override
        public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public synchronized void request(long n) {
                    requested.addAndGet(n);
                    for (long i = 0; i < n && !done && !cancelled.get(); i++) {
                        if (sent == failAfter) {
                            done = true;
                            subscriber.onError(new IllegalStateException("the source broke"));
                            return;
                        }
                        if (sent == count) {
                            break;
                        }
                        byte[] bytes = new byte[size];
                        java.util.Arrays.fill(bytes, (byte) sent);
                        sha256.update(bytes);
                        sent++;
                        // A direct buffer half the time: both kinds are copied out.
                        ByteBuffer buffer = sent % 2 == 0
                                ? ByteBuffer.wrap(bytes)
                                : ByteBuffer.allocateDirect(size).put(bytes).flip();
                        subscriber.onNext(buffer);
                    }
                    if (sent == count && !done) {
                        done = true;
                        subscriber.onComplete();
                    }
                }

                @Override
                public void cancel() {
                    cancelled.set(true);
                }
            });
        }

        String sha256() {
            return HexFormat.of().formatHex(sha256.digest());
        }
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void aBodyOfUnknownLengthArrivesWholeChunkedOnHttp11AndAsDataFramesOnHttp2(Wire wire) throws Exception {
        Chunks chunks = new Chunks(200, 40_000, -1);
        try (TestServer server = wire.server();
                ClientSession session = wire.session().build()) {
            Map<?, ?> sink = session.post(server.url("/sink"))
                    .body(chunks, "application/octet-stream")
                    .send()
                    .json(Map.class);

            assertThat(((Number) sink.get("bytes")).longValue()).isEqualTo(200L * 40_000);
            assertThat(sink.get("sha256")).isEqualTo(chunks.sha256());
            RecordedRequest recorded = server.takeRequest();
            assertThat(recorded.header("Content-Length")).isNull();
            assertThat(recorded.header("Content-Type")).isEqualTo("application/octet-stream");
            if (wire == Wire.HTTP_1_1) {
                assertThat(recorded.header("Transfer-Encoding")).isEqualTo("chunked");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void aBodyOfKnownLengthIsSentWithItsContentLength(Wire wire) throws Exception {
        Chunks chunks = new Chunks(30, 10_000, -1);
        try (TestServer server = wire.server();
                ClientSession session = wire.session().build()) {
            Map<?, ?> sink = session.put(server.url("/sink"))
                    .body(Body.fromPublisher(chunks, 300_000, MediaType.parse("video/mp4")))
                    .send()
                    .json(Map.class);

            assertThat(((Number) sink.get("bytes")).longValue()).isEqualTo(300_000);
            assertThat(sink.get("sha256")).isEqualTo(chunks.sha256());
            RecordedRequest recorded = server.takeRequest();
            assertThat(recorded.header("Content-Length")).isEqualTo("300000");
            assertThat(recorded.header("Content-Type")).isEqualTo("video/mp4");
        }
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void anEmptyPublisherSendsAnEmptyBodyOfKnownOrUnknownLength(Wire wire) throws Exception {
        try (TestServer server = wire.server();
                ClientSession session = wire.session().build()) {
            for (long length : new long[] {0, -1}) {
                Map<?, ?> sink = session.post(server.url("/sink"))
                        .body(Body.fromPublisher(new Chunks(0, 1, -1), length, null))
                        .send()
                        .json(Map.class);
                assertThat(((Number) sink.get("bytes")).longValue()).isZero();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void aPublisherThatFailsFailsTheRequestWithClientPayloadExceptionCarryingItsError(Wire wire) throws Exception {
        Chunks chunks = new Chunks(100, 10_000, 5);
        try (TestServer server = wire.server();
                ClientSession session = wire.session().build()) {
            assertThatThrownBy(() ->
                            session.post(server.url("/sink")).body(chunks, null).send())
                    .isInstanceOf(ClientPayloadException.class)
                    .hasRootCauseInstanceOf(IllegalStateException.class)
                    .hasStackTraceContaining("the source broke");
            assertThat(session.poolStats().leased()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void aPublisherThatSendsOtherThanItsDeclaredLengthFailsTheRequest(Wire wire) throws Exception {
        try (TestServer server = wire.server();
                ClientSession session = wire.session().build()) {
            for (long declared : new long[] {100_000, 10_000}) {
                Chunks chunks = new Chunks(5, 10_000, -1);
                assertThatThrownBy(() -> session.post(server.url("/sink"))
                                .body(Body.fromPublisher(chunks, declared, null))
                                .send())
                        .isInstanceOf(ClientPayloadException.class)
                        .hasMessageContaining("declared length");
            }
        }
    }

    @Test
    void buffersAreRequestedOnlyAsFastAsTheConnectionTakesThemAndTheSubscriptionIsCancelledWhenTheRequestEnds()
            throws Exception {
        Chunks endless = new Chunks(Long.MAX_VALUE, 16 * 1024, -1);
        try (SilentServers mute = SilentServers.acceptingButMute();
                ClientSession session = ClientSession.builder()
                        .timeouts(
                                Timeouts.builder().write(Duration.ofSeconds(1)).build())
                        .build()) {
            assertThatThrownBy(() -> session.post(mute.url("http", "/upload"))
                            .body(endless, null)
                            .send())
                    .isInstanceOfSatisfying(
                            ClientTimeoutException.class,
                            e -> assertThat(e.phase()).isEqualTo(ClientTimeoutException.Phase.WRITE));

            // What the kernel's socket buffers and the channel's outbound buffer hold, not more.
            assertThat(endless.requested.get() * endless.size)
                    .as("bytes requested from the publisher")
                    .isLessThan(32L * 1024 * 1024);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!endless.cancelled.get() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(endless.cancelled).as("the subscription is cancelled").isTrue();
        }
    }

    @Test
    void aRedirectThatWouldReplayAPublisherBodyFailsSayingItIsOneShot() throws Exception {
        try (TestServer server = TestServer.start();
                ClientSession session = ClientSession.create()) {
            server.enqueue(MockResponse.builder()
                    .status(307)
                    .header("Location", "/post")
                    .build());
            assertThatThrownBy(() -> session.post(server.url("/upload"))
                            .body(new Chunks(3, 100, -1), null)
                            .send())
                    .hasMessageContaining("one-shot");
        }
    }
}
