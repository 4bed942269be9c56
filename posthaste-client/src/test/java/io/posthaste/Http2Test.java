package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http2.Http2Error;
import io.posthaste.testing.Http2Options;
import io.posthaste.testing.MockResponse;
import io.posthaste.testing.ReceivedReset;
import io.posthaste.testing.RecordedRequest;
import io.posthaste.testing.TestServer;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Everything a request does works the same on HTTP/2: over cleartext by prior knowledge and over
 * TLS by ALPN, many requests multiplexed on one connection within the server's stream limit, and
 * streams the server never processed (REFUSED_STREAM, GOAWAY) sent again even for POST.
 */
class Http2Test {

    private static ClientSession priorKnowledge() {
        return ClientSession.builder().protocols(Protocol.H2_PRIOR_KNOWLEDGE).build();
    }

    @Test
    void aRequestOverH2cByPriorKnowledgeIsAnsweredAsHttp2() {
        try (TestServer server = TestServer.builder().http2().start();
                ClientSession session = priorKnowledge()) {
            Response response =
                    session.get(server.url("/get?x=1")).header("X-Seen", "yes").send();

            assertThat(response.version()).isEqualTo("HTTP/2");
            assertThat(response.status()).isEqualTo(200);
            Map<?, ?> json = response.json(Map.class);
            assertThat(json.get("args")).isEqualTo(Map.of("x", "1"));
            RecordedRequest recorded = server.takeRequest();
            assertThat(recorded.version()).isEqualTo("HTTP/2");
            assertThat(recorded.header("X-Seen")).isEqualTo("yes");
            assertThat(recorded.headers().get(0)).isEqualTo(Map.entry("Host", server.host() + ":" + server.port()));
        }
    }

    @Test
    void jsonFormMultipartAndRaisedStatusesWorkAsOnHttp11(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("report.csv"), "a,b\n1,2\n".getBytes());
        try (TestServer server = TestServer.builder().http2().start();
                ClientSession session = priorKnowledge()) {
            Map<?, ?> posted = session.post(server.url("/post"))
                    .json(Map.of("n", 1))
                    .send()
                    .json(Map.class);
            assertThat(posted.get("json")).isEqualTo(Map.of("n", 1));

            Map<?, ?> form = session.post(server.url("/post"))
                    .formField("k", "v w")
                    .send()
                    .json(Map.class);
            assertThat(form.get("form")).isEqualTo(Map.of("k", "v w"));

            Response uploaded = session.post(server.url("/post"))
                    .header("X-Upload", "1")
                    .file("f", file)
                    .send();
            assertThat(uploaded.status()).isEqualTo(200);
            server.takeRequest();
            server.takeRequest();
            RecordedRequest multipart = server.takeRequest();
            assertThat(multipart.header("X-Upload")).isEqualTo("1");
            assertThat(multipart.parts().get(0).content()).isEqualTo("a,b\n1,2\n".getBytes());

            assertThatThrownBy(() -> session.get(server.url("/status/404")).send())
                    .isInstanceOfSatisfying(
                            ClientResponseException.class,
                            e -> assertThat(e.status()).isEqualTo(404));
        }
    }

    @Test
    void alpnPicksH2OverTlsWhenTheServerOffersIt() {
        try (TestServer server = TestServer.builder().tls().http2().start();
                ClientSession session = ClientSession.builder()
                        .trustManager(server.trustManager())
                        .build()) {
            Response response = session.get(server.url("/get")).send();

            assertThat(response.version()).isEqualTo("HTTP/2");
            assertThat(server.takeRequest().version()).isEqualTo("HTTP/2");
        }
    }

    @Test
    void alpnFallsBackToHttp11WhenTheServerOffersOnlyThat() {
        try (TestServer server = TestServer.builder().tls().start();
                ClientSession session = ClientSession.builder()
                        .trustManager(server.trustManager())
                        .build()) {
            assertThat(session.get(server.url("/get")).send().version()).isEqualTo("HTTP/1.1");
        }
    }

    @Test
    void anHttp2OnlySessionFailsAgainstATlsServerThatDoesNotAgree() {
        try (TestServer server = TestServer.builder().tls().start();
                ClientSession session = ClientSession.builder()
                        .protocols(Protocol.H2_PRIOR_KNOWLEDGE)
                        .trustManager(server.trustManager())
                        .build()) {
            assertThatThrownBy(() -> session.get(server.url("/get")).send())
                    .isInstanceOf(ClientConnectionException.class)
                    .hasMessageContaining("did not agree to HTTP/2");
        }
    }

    @Test
    void sixtyFourConcurrentRequestsShareOneConnection() {
        try (TestServer server = TestServer.builder().http2().start();
                ClientSession session = priorKnowledge()) {
            List<CompletableFuture<Response>> calls = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                calls.add(session.get(server.url("/delay/0.05")).sendAsync());
            }
            calls.forEach(call -> assertThat(call.join().status()).isEqualTo(200));

            assertThat(server.connectionCount()).isEqualTo(1);
            Set<Integer> streams = new HashSet<>();
            for (int i = 0; i < 64; i++) {
                streams.add(server.takeRequest().streamId());
            }
            assertThat(streams).hasSize(64);
        }
    }

    @Test
    void aServerLimitOfOneStreamQueuesTheOthersOnTheSameConnection() {
        try (TestServer server = TestServer.builder()
                        .http2(Http2Options.builder().maxConcurrentStreams(1).build())
                        .start();
                ClientSession session = priorKnowledge()) {
            List<CompletableFuture<Response>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(session.get(server.url("/delay/0.02")).sendAsync());
            }
            calls.forEach(call -> assertThat(call.join().status()).isEqualTo(200));

            assertThat(server.connectionCount()).isEqualTo(1);
            assertThat(server.requestCount()).isEqualTo(8); // None refused: the client kept to the limit.
        }
    }

    @Test
    void aRefusedStreamGoesAgainEvenForPost() {
        try (TestServer server = TestServer.builder().http2().start();
                ClientSession session = priorKnowledge()) {
            server.enqueue(MockResponse.builder()
                    .resetStream(Http2Error.REFUSED_STREAM)
                    .build());
            server.enqueue(MockResponse.builder().body("done").build());

            Response response = session.post(server.url("/orders"))
                    .body("{}", "application/json")
                    .send();

            assertThat(response.text()).isEqualTo("done");
            assertThat(server.requestCount()).isEqualTo(2);
        }
    }

    @Test
    void streamsAGoAwayLeftOutGoAgainEvenForPostAndNoneGoesTwice() {
        try (TestServer server = TestServer.builder()
                        .http2(Http2Options.builder().goAwayAfterStreams(2).build())
                        .start();
                ClientSession session = priorKnowledge()) {
            List<CompletableFuture<Response>> calls = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                calls.add(session.post(server.url("/post"))
                        .body("x", "text/plain")
                        .sendAsync());
            }

            // A POST may be left out by several GOAWAYs running; each bounce is proven harmless,
            // so none of them uses up the silent-retry budget and every call succeeds.
            calls.forEach(call -> assertThat(call.join().status()).isEqualTo(200));
            // Every POST reached the routes exactly once: those the GOAWAY left out went again on
            // a new connection, and no processed one was sent twice.
            assertThat(server.requestCount()).isEqualTo(6);
            assertThat(server.connectionCount()).isGreaterThan(1);
        }
    }

    @Test
    void aServerThatRefusesEveryStreamFailsTheCallAfterBoundedBouncesSayingItWasNotProcessed() {
        try (TestServer server = TestServer.builder().http2().start();
                ClientSession session = priorKnowledge()) {
            for (int i = 0; i < 20; i++) {
                server.enqueue(MockResponse.builder()
                        .resetStream(Http2Error.REFUSED_STREAM)
                        .build());
            }

            assertThatThrownBy(() -> session.post(server.url("/orders"))
                            .body("{}", "application/json")
                            .send())
                    .isInstanceOfSatisfying(
                            ClientConnectionException.class,
                            e -> assertThat(e.mayHaveBeenProcessed()).isFalse())
                    .hasMessageContaining("REFUSED_STREAM")
                    .hasMessageContaining("the request was not processed; gave up after 9 attempts");
            assertThat(server.requestCount()).isEqualTo(9);
        }
    }

    @Test
    void aResetWithAnotherCodeFailsNamingIt() {
        try (TestServer server = TestServer.builder().http2().start();
                ClientSession session = priorKnowledge()) {
            server.enqueue(MockResponse.builder()
                    .resetStream(Http2Error.INTERNAL_ERROR)
                    .build());

            assertThatThrownBy(() -> session.post(server.url("/orders"))
                            .body("{}", "application/json")
                            .send())
                    .isInstanceOfSatisfying(
                            ClientConnectionException.class,
                            e -> assertThat(e.mayHaveBeenProcessed()).isTrue())
                    .hasMessageContaining("INTERNAL_ERROR (0x2)");
            assertThat(server.requestCount()).isEqualTo(1);
            // The connection survives a stream's reset.
            assertThat(session.get(server.url("/get")).send().status()).isEqualTo(200);
            assertThat(server.connectionCount()).isEqualTo(1);
        }
    }

    @Test
    void aSlowReaderOfAStreamedBodyHoldsBackTheServerByFlowControl() throws Exception {
        byte[] big = new byte[16 * 1024 * 1024];
        try (TestServer server = TestServer.builder().http2().start();
                ClientSession session = priorKnowledge()) {
            server.enqueue(MockResponse.builder().body(big).build());
            try (StreamingResponse response = session.get(server.url("/big")).stream()) {
                InputStream body = response.body();
                assertThat(body.read()).isEqualTo(0);
                Thread.sleep(500);
                // Unread: at most what the reader may fall behind (1 MiB) plus one stream window.
                assertThat(body.available()).isLessThan(2 * 1024 * 1024 + 64 * 1024);
                assertThat(body.readAllBytes()).hasSize(big.length - 1);
            }
        }
    }

    enum UploadSource {
        FILE,
        BYTES,
        STREAM
    }

    /**
     * Large uploads over TLS, where a flush that waits for the event loop's next read would
     * stall a body written from the caller's thread (as a consolidating flush handler did against
     * caddy and nginx): each body kind, from a blocking caller and an async one, through a small
     * stream window so flow control takes turns with the writes.
     */
    @ParameterizedTest
    @CsvSource({"FILE, true", "FILE, false", "BYTES, true", "BYTES, false", "STREAM, true", "STREAM, false"})
    void aLargeUploadOverTlsArrivesWholeFromEveryBodyKindAndCaller(
            UploadSource source, boolean blocking, @TempDir Path dir) throws Exception {
        int size = 24 * 1024 * 1024;
        byte[] bytes = new byte[size];
        new java.util.Random(size).nextBytes(bytes);
        Path file = Files.write(dir.resolve("upload.bin"), bytes);
        try (TestServer server = TestServer.builder()
                        .tls()
                        .http2(Http2Options.builder()
                                .initialWindowSize(64 * 1024)
                                .build())
                        .start();
                ClientSession session = ClientSession.builder()
                        .trustManager(server.trustManager())
                        .build()) {
            RequestBuilder request = session.post(server.url("/sink")).timeout(Duration.ofSeconds(60));
            switch (source) {
                case FILE -> request.body(file, "application/octet-stream");
                case BYTES -> request.body(bytes, "application/octet-stream");
                case STREAM -> request.body(new java.io.ByteArrayInputStream(bytes), "application/octet-stream");
            }
            Response response = blocking ? request.send() : request.sendAsync().get(60, TimeUnit.SECONDS);

            assertThat(response.version()).isEqualTo("HTTP/2");
            Map<?, ?> sink = response.json(Map.class);
            assertThat(((Number) sink.get("bytes")).longValue()).isEqualTo(size);
            assertThat(sink.get("sha256"))
                    .isEqualTo(java.util.HexFormat.of()
                            .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                                    .digest(bytes)));
            assertThat(session.poolStats().leased()).isZero();
        }
    }

    /**
     * A server that opens no window (SETTINGS_INITIAL_WINDOW_SIZE = 0, never a WINDOW_UPDATE for
     * a stream) holds a 256 MiB upload to a few of its buffers: the body is read only a little
     * ahead of what the flow control lets out, never into memory whole. Cancelling ends the call
     * and gives the connection back.
     */
    @Test
    void anUploadToAServerThatOpensNoWindowReadsOnlyAFewBuffersOfTheBody() throws Exception {
        java.util.concurrent.atomic.AtomicLong read = new java.util.concurrent.atomic.AtomicLong();
        long size = 256L * 1024 * 1024;
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return read(new byte[1], 0, 1) < 0 ? -1 : 0;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                long left = size - read.get();
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                read.addAndGet(n);
                return n;
            }
        };
        try (TestServer server = TestServer.builder()
                        .http2(Http2Options.builder().initialWindowSize(0).build())
                        .start();
                ClientSession session = priorKnowledge()) {
            CompletableFuture<Response> call = session.post(server.url("/sink"))
                    .body(endless, "application/octet-stream")
                    .sendAsync();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (read.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            Thread.sleep(500); // time to read far more, were it unbounded
            assertThat(read.get())
                    .as("body bytes read while no window was open")
                    .isBetween(1L, 512L * 1024);
            assertThat(call).isNotDone();

            call.cancel(true);
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (session.poolStats().leased() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(session.poolStats().leased()).isZero();
        }
    }

    @Test
    void aStreamedUploadOfUnknownLengthArrivesWhole() {
        int size = 8 * 1024 * 1024;
        try (TestServer server = TestServer.builder()
                        .http2(Http2Options.builder()
                                .initialWindowSize(16 * 1024)
                                .build())
                        .start();
                ClientSession session = priorKnowledge()) {
            InputStream source = new java.io.ByteArrayInputStream(new byte[size]);
            Map<?, ?> sink = session.post(server.url("/sink"))
                    .body(source, "application/octet-stream")
                    .send()
                    .json(Map.class);

            assertThat(((Number) sink.get("bytes")).longValue()).isEqualTo(size);
        }
    }

    @Test
    void cancellingAStreamedDownloadResetsItsStreamWithCancelAndLeavesTheConnectionForOthers() throws Exception {
        try (TestServer server = TestServer.builder().http2().start();
                ClientSession session = priorKnowledge()) {
            server.enqueue(MockResponse.builder()
                    .body(new byte[8 * 1024 * 1024])
                    .throttle(64 * 1024, Duration.ofMillis(50))
                    .build());
            try (StreamingResponse response = session.get(server.url("/slow")).stream()) {
                assertThat(response.body().read()).isEqualTo(0);
            }
            RecordedRequest cancelled = server.takeRequest();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (server.resetsReceived().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
            assertThat(server.resetsReceived())
                    .as("RST_STREAM(CANCEL) for the abandoned stream, nothing else")
                    .containsExactly(new ReceivedReset(
                            cancelled.connectionId(), cancelled.streamId(), Http2Error.CANCEL.code()));

            assertThat(session.get(server.url("/get")).send().status()).isEqualTo(200);
            assertThat(server.connectionCount()).isEqualTo(1);
            assertThat(server.resetsReceived())
                    .as("a stream read to its end is never reset")
                    .hasSize(1);
        }
    }
}
