package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.handler.codec.http3.Http3ErrorCode;
import io.posthaste.testing.Http3Fault;
import io.posthaste.testing.Http3Options;
import io.posthaste.testing.MockResponse;
import io.posthaste.testing.RecordedRequest;
import io.posthaste.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HTTP/3 under load and faults: bodies streamed both ways, the server's stream limit queueing
 * requests, GOAWAY and H3_REQUEST_REJECTED bouncing what was never processed (a POST too), other
 * resets naming their code, cancellation resetting the stream, and the chain's features
 * (redirects, cookies, decompression, timeouts) unchanged.
 */
class Http3FaultsTest {

    @BeforeAll
    static void quicIsAvailable() {
        assumeTrue(TestServer.http3Available(), "no QUIC native library on this platform");
    }

    private static ClientSession.Builder http3Only(TestServer server) {
        return ClientSession.builder().protocols(Protocol.HTTP_3).trustManager(server.trustManager());
    }

    @Test
    void aLargeBodyStreamsBothWaysThroughSmallWindows() throws Exception {
        byte[] body = new byte[6 * 1024 * 1024 + 3];
        new Random(7).nextBytes(body);
        String sha256 =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        try (TestServer server = TestServer.builder()
                        .http3(Http3Options.builder()
                                .initialStreamWindow(64 * 1024)
                                .build())
                        .start();
                ClientSession session = http3Only(server).build()) {
            Response uploaded = session.put(server.url("/sink"))
                    .body(new ByteArrayInputStream(body), "application/octet-stream")
                    .send();
            assertThat(uploaded.json(Map.class).get("sha256")).isEqualTo(sha256);

            server.enqueue(MockResponse.builder().body(body).chunked(16 * 1024).build());
            try (StreamingResponse streamed = session.get(server.url("/download")).stream();
                    InputStream in = streamed.body()) {
                assertThat(streamed.version()).isEqualTo("HTTP/3");
                MessageDigest digest = MessageDigest.getInstance("SHA-256");
                byte[] buffer = new byte[8192];
                long total = 0;
                for (int n; (n = in.read(buffer)) > 0; ) {
                    digest.update(buffer, 0, n);
                    total += n;
                    if (total < 512 * 1024) {
                        Thread.sleep(1); // A slow reader at first: the stream pauses, then resumes.
                    }
                }
                assertThat(total).isEqualTo(body.length);
                assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(sha256);
            }
        }
    }

    @Test
    void theServersStreamLimitQueuesRequestsOnOneConnection() {
        try (TestServer server = TestServer.builder()
                        .http3(Http3Options.builder().maxConcurrentStreams(1).build())
                        .start();
                ClientSession session = http3Only(server).build()) {
            List<CompletableFuture<Response>> calls = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                calls.add(session.get(server.url("/delay/0.05?i=" + i)).sendAsync());
            }
            for (CompletableFuture<Response> call : calls) {
                assertThat(call.join().status()).isEqualTo(200);
            }
            assertThat(server.connectionCount()).isEqualTo(1);
        }
    }

    @Test
    void concurrentRequestsShareOneConnectionAsStreamsAtOnce() {
        try (TestServer server = TestServer.builder().http3().start();
                ClientSession session = http3Only(server).build()) {
            assertThat(session.get(server.url("/get")).send().version()).isEqualTo("HTTP/3");
            long start = System.nanoTime();
            List<CompletableFuture<Response>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(session.get(server.url("/delay/0.4?i=" + i)).sendAsync());
            }
            for (CompletableFuture<Response> call : calls) {
                assertThat(call.join().status()).isEqualTo(200);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start).toMillis()).isLessThan(2000);
            assertThat(server.connectionCount()).isEqualTo(1);
        }
    }

    @Test
    void postsLeftOutByGoawayOrRejectedGoAgainOnANewConnectionAndAreProcessedOnce() {
        try (TestServer server = TestServer.builder()
                        .http3(Http3Options.builder().goAwayAfterStreams(2).build())
                        .start();
                ClientSession session = http3Only(server).build()) {
            List<CompletableFuture<Response>> calls = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                calls.add(session.post(server.url("/post?i=" + i))
                        .body("n" + i, "text/plain")
                        .sendAsync());
            }
            for (CompletableFuture<Response> call : calls) {
                assertThat(call.join().status()).isEqualTo(200);
            }
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < 6; i++) {
                RecordedRequest recorded = server.takeRequest();
                assertThat(seen.add(recorded.bodyUtf8()))
                        .as("processed once: %s", recorded.bodyUtf8())
                        .isTrue();
            }
            assertThat(server.requestCount()).isEqualTo(6);
            assertThat(server.connectionCount()).isGreaterThan(1);
        }
    }

    @Test
    void aPostRejectedWithH3RequestRejectedGoesAgain() {
        try (TestServer server = TestServer.builder().http3().start();
                ClientSession session = http3Only(server).build()) {
            server.enqueue(MockResponse.builder()
                    .resetHttp3Stream(Http3ErrorCode.H3_REQUEST_REJECTED)
                    .build());
            server.enqueue(MockResponse.builder().status(201).body("made").build());

            Response response =
                    session.post(server.url("/things")).body("x", "text/plain").send();

            assertThat(response.status()).isEqualTo(201);
            assertThat(response.text()).isEqualTo("made");
        }
    }

    @Test
    void anyOtherResetFailsAPostNamingTheHttp3ErrorCode() {
        try (TestServer server = TestServer.builder().http3().start();
                ClientSession session = http3Only(server).build()) {
            server.enqueue(MockResponse.builder()
                    .resetHttp3Stream(Http3ErrorCode.H3_INTERNAL_ERROR)
                    .build());

            assertThatThrownBy(() -> session.post(server.url("/things"))
                            .body("x", "text/plain")
                            .send())
                    .isInstanceOf(ClientConnectionException.class)
                    .hasMessageContaining("H3_INTERNAL_ERROR (0x102)")
                    .hasMessageContaining("may have been processed");
            assertThat(server.requestCount()).isEqualTo(1);
        }
    }

    @Test
    void cancellingACallResetsItsStreamWithH3RequestCancelledAndLeavesTheConnectionUsable() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        InputStream stalling = new InputStream() {
            private boolean first = true;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) throws java.io.IOException {
                if (first) {
                    first = false;
                    b[off] = 'x';
                    return 1;
                }
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new java.io.InterruptedIOException();
                }
                return -1;
            }
        };
        try (TestServer server = TestServer.builder().http3().start();
                ClientSession session = http3Only(server).build()) {
            assertThat(session.get(server.url("/get")).send().status()).isEqualTo(200);
            CompletableFuture<Response> upload = session.post(server.url("/post"))
                    .body(stalling, "application/octet-stream")
                    .sendAsync();
            Thread.sleep(200); // The head and a byte of the body are out; the rest never comes.
            upload.cancel(true);

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (server.resetsReceived().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(server.resetsReceived())
                    .hasSize(1)
                    .first()
                    .satisfies(r -> assertThat(r.errorCode()).isEqualTo(Http3ErrorCode.H3_REQUEST_CANCELLED.code()));
            assertThat(session.get(server.url("/get")).send().status()).isEqualTo(200);
            assertThat(server.connectionCount()).isEqualTo(1);
        } finally {
            release.countDown();
        }
    }

    @Test
    void redirectsCookiesAndDecompressionWorkAsOnTcp() {
        try (TestServer server = TestServer.builder().http3().start();
                ClientSession session = http3Only(server).build()) {
            Response redirected = session.get(server.url("/redirect/2")).send();
            assertThat(redirected.status()).isEqualTo(200);
            assertThat(redirected.history()).hasSize(2);
            assertThat(redirected.version()).isEqualTo("HTTP/3");

            session.get(server.url("/cookies/set?flavour=oat")).send();
            assertThat(session.get(server.url("/cookies"))
                            .send()
                            .json(Map.class)
                            .get("cookies"))
                    .isEqualTo(Map.of("flavour", "oat"));

            assertThat(session.get(server.url("/gzip")).send().json(Map.class).get("gzipped"))
                    .isEqualTo(true);
        }
    }

    @Test
    void aSilentServerHitsTheReadTimeout() {
        try (TestServer server = TestServer.builder().http3().start();
                ClientSession session = http3Only(server)
                        .timeouts(
                                Timeouts.builder().read(Duration.ofMillis(200)).build())
                        .build()) {
            assertThatThrownBy(() -> session.get(server.url("/delay/3")).send())
                    .isInstanceOfSatisfying(
                            ClientTimeoutException.class,
                            e -> assertThat(e.phase()).isEqualTo(ClientTimeoutException.Phase.READ));
        }
    }

    @Test
    void aServerTheSessionDoesNotTrustFailsTheHandshakeAsOnTcp() {
        try (TestServer server = TestServer.builder().http3().start();
                ClientSession session =
                        ClientSession.builder().protocols(Protocol.HTTP_3).build()) {
            assertThatThrownBy(() -> session.get(server.url("/get")).send())
                    .isInstanceOf(ClientConnectionException.class)
                    .hasMessageContaining("TLS handshake");
            assertThat(server.requestCount()).isZero();
        }
    }

    @Test
    void aResponseHeaderSectionOverTheLimitFailsNamingTheHttp3ErrorCode() {
        try (TestServer server = TestServer.builder().http3().start();
                ClientSession session =
                        http3Only(server).maxResponseHeaderSize(8 * 1024).build()) {
            server.enqueue(MockResponse.builder()
                    .header("X-Big", "v".repeat(16 * 1024))
                    .body("x")
                    .build());

            assertThatThrownBy(() -> session.get(server.url("/big")).send())
                    .isInstanceOf(ClientException.class)
                    .hasMessageContaining("H3_EXCESSIVE_LOAD");
            assertThat(session.get(server.url("/get")).send().status()).isEqualTo(200);
        }
    }

    /**
     * Security checklist 47 on HTTP/3, its only form: frames after a response's trailing HEADERS,
     * before its stream ends (QUIC itself refuses data on a stream not opened yet or past a FIN).
     * They never reach another request: each stream carries its own answer. RFC 9114 section 4.1
     * makes them a connection error (H3_FRAME_UNEXPECTED), which fails the call whose stream had
     * not ended, naming it; the next request gets its own answer on a new connection.
     */
    @Test
    void framesAfterAResponsesTrailersFailItsCallAndTheNextRequestGetsItsOwnAnswer() throws Exception {
        try (TestServer server = TestServer.builder()
                        .http3()
                        .dispatcher(request -> request.path().equals("/first")
                                ? MockResponse.builder()
                                        .body("first")
                                        .http3Fault(Http3Fault.FRAMES_AFTER_TRAILERS)
                                        .build()
                                : MockResponse.builder()
                                        .body("answer to " + request.method() + " " + request.path())
                                        .build())
                        .start();
                ClientSession session = http3Only(server).build()) {
            assertThatThrownBy(() -> session.get(server.url("/first")).send())
                    .isInstanceOf(ClientException.class)
                    .hasMessageContaining("H3_FRAME_UNEXPECTED");
            assertThat(session.post(server.url("/second"))
                            .json(Map.of("n", 2))
                            .send()
                            .text())
                    .isEqualTo("answer to POST /second");
            RecordedRequest first = server.takeRequest();
            RecordedRequest second = server.takeRequest();
            assertThat(second.connectionId()).isNotEqualTo(first.connectionId());
        }
    }

    @Test
    void aConnectionTheServerDroppedWhileIdleIsReplacedForTheNextRequest() throws Exception {
        try (TestServer server = TestServer.builder()
                        .http3(Http3Options.builder()
                                .idleTimeout(Duration.ofMillis(300))
                                .build())
                        .start();
                ClientSession session = http3Only(server).build()) {
            assertThat(session.post(server.url("/post"))
                            .body("1", "text/plain")
                            .send()
                            .status())
                    .isEqualTo(200);
            Thread.sleep(800);

            Response second =
                    session.post(server.url("/post")).body("2", "text/plain").send();

            assertThat(second.status()).isEqualTo(200);
            assertThat(server.connectionCount()).isEqualTo(2);
            assertThat(server.requestCount()).isEqualTo(2);
        }
    }

    @Test
    void connectionEventsCoverTheQuicHandshakeAsTheTlsPhase() throws Exception {
        RecordedEvents events = new RecordedEvents();
        try (TestServer server = TestServer.builder().http3().start();
                ClientSession session = http3Only(server).eventListener(events).build()) {
            Response response = session.get(server.url("/get")).send();

            assertThat(response.version()).isEqualTo("HTTP/3");
            events.await(Event.Type.CONNECT_END, null);
            events.await(Event.Type.TLS_END, null);
            events.await(Event.Type.RESPONSE_BODY_RECEIVED, "/get");
            assertThat(events.count(Event.Type.TLS_START)).isEqualTo(1);
            assertThat(response.timings().tls()).isPositive();
        }
    }
}
