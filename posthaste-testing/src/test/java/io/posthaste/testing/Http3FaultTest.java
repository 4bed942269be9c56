package io.posthaste.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http3.Http3ErrorCode;
import io.netty.handler.codec.quic.QuicClosedChannelException;
import io.netty.handler.codec.quic.QuicStreamType;
import io.posthaste.testing.internal.Json;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP/3 faults of the test server, observed with Netty's own HTTP/3 client. */
class Http3FaultTest {

    @BeforeAll
    static void quicIsAvailable() {
        assumeTrue(TestServer.http3Available(), "no QUIC native library on this platform");
    }

    private static final long REJECTED = Http3ErrorCode.H3_REQUEST_REJECTED.code();

    @Test
    void goAwayAfterNStreamsAnswersThoseAndRejectsLaterStreamsUnprocessed() throws Exception {
        Http3Options options = Http3Options.builder().goAwayAfterStreams(2).build();
        try (TestServer server = TestServer.builder().http3(options).start();
                H3TestClient client = new H3TestClient(server)) {
            H3TestClient.Connection connection = client.connect();
            List<CompletableFuture<H3TestClient.Response>> calls = List.of(
                    client.sendAsync(connection, "GET", "/get?n=0", null),
                    client.sendAsync(connection, "GET", "/get?n=1", null),
                    client.sendAsync(connection, "GET", "/get?n=2", null));
            assertThat(calls.get(0).get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
            assertThat(calls.get(1).get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
            H3TestClient.Response third = calls.get(2).get(10, TimeUnit.SECONDS);
            assertThat(third.status()).isZero();
            assertThat(third.resetCode()).isEqualTo(REJECTED);
            // The second stream (ID 4) is the last processed: GOAWAY names 8 as the first that is not.
            assertThat(connection.goAways()).containsExactly(8L);
            assertThat(connection.channel().closeFuture().await(5, TimeUnit.SECONDS))
                    .isTrue();
            assertThat(server.requestCount()).isEqualTo(2);
            assertThat(List.of(
                            server.takeRequest().target(), server.takeRequest().target()))
                    .containsExactlyInAnyOrder("/get?n=0", "/get?n=1");
        }
    }

    @Test
    void aStreamResetCarriesTheChosenHttp3ErrorCodeAfterTheRequestWasRecorded() throws Exception {
        try (TestServer server = TestServer.builder().http3().start();
                H3TestClient client = new H3TestClient(server)) {
            server.enqueue(MockResponse.builder()
                    .resetHttp3Stream(Http3ErrorCode.H3_REQUEST_REJECTED)
                    .build());
            server.enqueue(MockResponse.builder()
                    .resetHttp3Stream(Http3ErrorCode.H3_EXCESSIVE_LOAD)
                    .build());
            // HTTP/2's codes act on HTTP/3 too, translated, so that one script serves both protocols.
            server.enqueue(MockResponse.builder()
                    .resetStream(Http2Error.REFUSED_STREAM)
                    .build());
            server.enqueue(MockResponse.builder().resetStream(Http2Error.CANCEL).build());
            H3TestClient.Connection connection = client.connect();
            List<Long> codes = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                H3TestClient.Response r = client.get(connection, "/reset/" + i);
                assertThat(r.status()).as("no answer before the reset").isZero();
                codes.add(r.resetCode());
            }
            assertThat(codes).containsExactly(REJECTED, (long) Http3ErrorCode.H3_EXCESSIVE_LOAD.code(), REJECTED, (long)
                    Http3ErrorCode.H3_REQUEST_CANCELLED.code());
            assertThat(server.requestCount()).isEqualTo(4);
            // The connection outlives its streams' resets.
            assertThat(client.get(connection, "/get").status()).isEqualTo(200);
        }
    }

    @Test
    void aResetAfterSomeBodyBytesCutsTheAnswerShortOnItsStreamOnly() throws Exception {
        try (TestServer server = TestServer.builder().http3().start();
                H3TestClient client = new H3TestClient(server)) {
            server.enqueue(MockResponse.builder()
                    .body("0123456789")
                    .disconnectAfterBodyBytes(4)
                    .resetHttp3Stream(Http3ErrorCode.H3_INTERNAL_ERROR)
                    .build());
            H3TestClient.Connection connection = client.connect();
            H3TestClient.Response cut = client.get(connection, "/cut");
            assertThat(cut.status()).isEqualTo(200);
            assertThat(cut.bodyUtf8()).isEqualTo("0123");
            assertThat(cut.resetCode()).isEqualTo(Http3ErrorCode.H3_INTERNAL_ERROR.code());
            assertThat(client.get(connection, "/get").status()).isEqualTo(200);
        }
    }

    @Test
    void requestRejectedCannotFollowPartOfAnAnswer() {
        assertThatThrownBy(() -> MockResponse.builder()
                        .body("x")
                        .disconnectAfterBodyBytes(0)
                        .resetHttp3Stream(Http3ErrorCode.H3_REQUEST_REJECTED)
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("never processed");
    }

    @Test
    void anHttp3OnlyResetIsRefusedByName_OnHttp1AndHttp2() throws Exception {
        Map<MockResponse, String> answers = Map.of(
                MockResponse.builder()
                        .resetHttp3Stream(Http3ErrorCode.H3_REQUEST_REJECTED)
                        .build(),
                "resetHttp3Stream(H3_REQUEST_REJECTED)",
                MockResponse.builder()
                        .http3Fault(Http3Fault.FRAMES_AFTER_TRAILERS)
                        .build(),
                "Http3Fault.FRAMES_AFTER_TRAILERS");
        try (TestServer server = TestServer.builder().http2().http3().start()) {
            for (java.net.http.HttpClient.Version version : java.net.http.HttpClient.Version.values()) {
                for (Map.Entry<MockResponse, String> answer : answers.entrySet()) {
                    server.enqueue(answer.getKey());
                    var r = java.net.http.HttpClient.newBuilder()
                            .version(version)
                            .sslContext(server.clientSslContext())
                            .build()
                            .send(
                                    java.net.http.HttpRequest.newBuilder(server.uri("/x"))
                                            .build(),
                                    java.net.http.HttpResponse.BodyHandlers.ofString());
                    assertThat(r.statusCode()).isEqualTo(500);
                    assertThat(r.body()).contains(answer.getValue(), "needs HTTP/3");
                }
            }
        }
    }

    @Test
    void framesAfterTrailersFollowTheScriptedAnswerBeforeTheStreamEnds() throws Exception {
        try (TestServer server = TestServer.builder().http3().start();
                H3TestClient client = new H3TestClient(server)) {
            server.enqueue(MockResponse.builder()
                    .body("first")
                    .http3Fault(Http3Fault.FRAMES_AFTER_TRAILERS)
                    .build());
            H3TestClient.Connection connection = client.connect();
            H3TestClient.Response r = client.get(connection, "/f");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyUtf8()).isEqualTo("first");
            assertThat(r.trailers()).containsExactly(Map.entry("x-end", "1"));
            // Netty's codec in this client reads a DATA frame after the trailers: H3_FRAME_UNEXPECTED.
            assertThat(r.failure()).isNotNull();
            assertThat(connection.channel().closeFuture().await(5, TimeUnit.SECONDS))
                    .as("the connection error closed the connection")
                    .isTrue();
        }
    }

    @Test
    void theTransportParametersCarryTheStreamLimitWindowsAndIdleTimeout() throws Exception {
        Http3Options options = Http3Options.builder()
                .maxConcurrentStreams(1)
                .initialStreamWindow(16)
                .initialConnectionWindow(4096)
                .idleTimeout(Duration.ofSeconds(7))
                .build();
        try (TestServer server = TestServer.builder().http3(options).start();
                H3TestClient client = new H3TestClient(server)) {
            H3TestClient.Connection connection = client.connect();
            var params = connection.channel().peerTransportParameters();
            assertThat(params.initialMaxStreamsBidi()).isEqualTo(1);
            assertThat(params.initialMaxStreamDataBidiRemote()).isEqualTo(16);
            assertThat(params.initialMaxData()).isEqualTo(4096);
            assertThat(params.maxIdleTimeout()).isEqualTo(7000);
        }
    }

    @Test
    void oneStreamAtATimeAndATinyWindowStillCarryEveryRequestAndUploadToTheEnd() throws Exception {
        byte[] body = new byte[200_000];
        new java.util.Random(5).nextBytes(body);
        Http3Options options = Http3Options.builder()
                .maxConcurrentStreams(1)
                .initialStreamWindow(16)
                .initialConnectionWindow(1024)
                .build();
        try (TestServer server = TestServer.builder().http3(options).start();
                H3TestClient client = new H3TestClient(server)) {
            H3TestClient.Connection connection = client.connect();
            for (int i = 0; i < 3; i++) {
                H3TestClient.Response r = client.send(connection, "PUT", "/sink", body);
                assertThat(((Map<?, ?>) Json.parse(r.bodyUtf8())).get("bytes")).isEqualTo((long) body.length);
                // Each stream that ends gives the client back its one stream.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (connection.channel().peerAllowedStreams(QuicStreamType.BIDIRECTIONAL) == 0
                        && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                assertThat(connection.channel().peerAllowedStreams(QuicStreamType.BIDIRECTIONAL))
                        .isEqualTo(1);
            }
            assertThat(server.requestCount()).isEqualTo(3);
            assertThat(server.connectionCount()).isEqualTo(1);
        }
    }

    @Test
    void aShortIdleTimeoutClosesAQuietConnection() throws Exception {
        Http3Options options =
                Http3Options.builder().idleTimeout(Duration.ofMillis(300)).build();
        try (TestServer server = TestServer.builder().http3(options).start();
                H3TestClient client = new H3TestClient(server)) {
            H3TestClient.Connection connection = client.connect();
            assertThat(client.get(connection, "/get").status()).isEqualTo(200);
            assertThat(connection.channel().closeFuture().await(5, TimeUnit.SECONDS))
                    .isTrue();
            assertThat(connection.channel().isTimedOut()).isTrue();
        }
    }

    @Test
    void aBlackHoleNeverAnswersTheHandshakeWhileTcpStillAdvertisesHttp3() throws Exception {
        Http3Options options = Http3Options.builder().blackHole().build();
        try (TestServer server = TestServer.builder().http3(options).start();
                H3TestClient client = new H3TestClient(server, server.port(), 300)) {
            // The client's own idle timeout ends the handshake it never hears back on.
            assertThatThrownBy(() -> client.connect(5_000))
                    .isInstanceOf(ExecutionException.class)
                    .hasRootCauseInstanceOf(QuicClosedChannelException.class);
            assertThat(server.connectionCount()).isZero();
            var r = java.net.http.HttpClient.newBuilder()
                    .sslContext(server.clientSslContext())
                    .build()
                    .send(
                            java.net.http.HttpRequest.newBuilder(server.uri("/get"))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("alt-svc")).hasValue("h3=\":" + server.port() + "\"; ma=86400");
            assertThat(server.connectionCount()).isEqualTo(1);
        }
    }

    @Test
    void aCloseConnectionAnswerIsDeliveredThenGoAwayAndTheConnectionEnds() throws Exception {
        try (TestServer server = TestServer.builder().http3().start();
                H3TestClient client = new H3TestClient(server)) {
            server.enqueue(MockResponse.builder().body("last").closeConnection().build());
            H3TestClient.Connection connection = client.connect();
            assertThat(client.get(connection, "/x").bodyUtf8()).isEqualTo("last");
            assertThat(connection.channel().closeFuture().await(5, TimeUnit.SECONDS))
                    .isTrue();
            assertThat(connection.goAways()).containsExactly(4L);
        }
    }

    @Test
    void connectionFaultsEndTheQuicConnection() throws Exception {
        for (Fault fault : List.of(Fault.DISCONNECT_AFTER_REQUEST_HEAD, Fault.RESET, Fault.CLOSE_AFTER_RESPONSE)) {
            try (TestServer server = TestServer.builder().http3().start();
                    H3TestClient client = new H3TestClient(server)) {
                server.enqueue(
                        MockResponse.builder().body("answer").fault(fault).build());
                H3TestClient.Connection connection = client.connect();
                H3TestClient.Response r = client.get(connection, "/f");
                if (fault == Fault.CLOSE_AFTER_RESPONSE) {
                    assertThat(r.bodyUtf8()).as(fault.name()).isEqualTo("answer");
                } else {
                    assertThat(r.status()).as(fault.name()).isZero();
                }
                assertThat(connection.channel().closeFuture().await(5, TimeUnit.SECONDS))
                        .as(fault.name())
                        .isTrue();
                assertThat(server.requestCount()).as(fault.name()).isEqualTo(1);
            }
        }
    }

    @Test
    void anEarlyAnswerArrivesBeforeTheBodyIsReadAndTheUploadIsStopped() throws Exception {
        try (TestServer server = TestServer.builder().http3().start();
                H3TestClient client = new H3TestClient(server)) {
            server.enqueue(MockResponse.builder()
                    .status(413)
                    .body("too big")
                    .fault(Fault.RESPOND_BEFORE_BODY)
                    .build());
            H3TestClient.Connection connection = client.connect();
            H3TestClient.Response r = client.send(connection, "POST", "/upload", new byte[256 * 1024]);
            assertThat(r.status()).isEqualTo(413);
            assertThat(r.bodyUtf8()).isEqualTo("too big");
            RecordedRequest recorded = server.takeRequest();
            assertThat(recorded.path()).isEqualTo("/upload");
            assertThat(recorded.bodySize()).isZero();
            // Only the stream was stopped: the connection serves the next request.
            assertThat(client.get(connection, "/get").status()).isEqualTo(200);
        }
    }

    @Test
    void disconnectAtStartRefusesTheQuicConnectionBeforeAnyRequest() throws Exception {
        try (TestServer server = TestServer.builder().http3().start();
                H3TestClient client = new H3TestClient(server)) {
            server.enqueue(
                    MockResponse.builder().fault(Fault.DISCONNECT_AT_START).build());
            H3TestClient.Response refused = null;
            try {
                refused = client.get(client.connect(), "/never");
            } catch (Exception closedDuringHandshake) {
                // Either way the client got no answer: the connection ended before it could.
            }
            assertThat(refused == null || (refused.status() == 0 && refused.failure() != null))
                    .as("no answer on a connection closed at start: %s", refused)
                    .isTrue();
            assertThat(server.requestCount()).isZero();
            assertThat(server.pendingResponseCount()).isZero();
            // The fault was used up: the next connection is served.
            assertThat(client.get(client.connect(), "/get").status()).isEqualTo(200);
        }
    }

    @Test
    void aResetFromTheClientIsRecordedWithItsHttp3Code() throws Exception {
        try (TestServer server = TestServer.builder().http3().start();
                H3TestClient client = new H3TestClient(server)) {
            H3TestClient.Connection connection = client.connect();
            client.sendHeadThenReset(connection, "/post", Http3ErrorCode.H3_REQUEST_CANCELLED.code());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (server.resetsReceived().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(server.resetsReceived())
                    .containsExactly(new ReceivedReset(1, 0, Http3ErrorCode.H3_REQUEST_CANCELLED.code()));
            assertThat(server.requestCount()).isZero();
        }
    }
}
