package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.posthaste.testing.Http3Options;
import io.posthaste.testing.MockResponse;
import io.posthaste.testing.RecordedRequest;
import io.posthaste.testing.TestProxy;
import io.posthaste.testing.TestServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * When a session goes over HTTP/3 and when it stays on TCP: an {@code Alt-Svc} advertisement on
 * an HTTP/2 or HTTP/1.1 answer moves the origin's later requests to HTTP/3, {@code clear} moves
 * them back, and where UDP is black-holed the request still succeeds over TCP quickly, sent once.
 */
class Http3DiscoveryTest {

    @BeforeAll
    static void quicIsAvailable() {
        assumeTrue(TestServer.http3Available(), "no QUIC native library on this platform");
    }

    private static ClientSession.Builder withHttp3(TestServer server, Protocol... tcp) {
        Protocol[] all = new Protocol[tcp.length + 1];
        all[0] = Protocol.HTTP_3;
        System.arraycopy(tcp, 0, all, 1, tcp.length);
        return ClientSession.builder().protocols(all).trustManager(server.trustManager());
    }

    @Test
    void anHttp2AnswerAdvertisingH3MovesTheNextRequestToHttp3() {
        try (TestServer server = TestServer.builder().http2().http3().start();
                ClientSession session =
                        withHttp3(server, Protocol.HTTP_2, Protocol.HTTP_1_1).build()) {
            Response first = session.get(server.url("/get")).send();
            assertThat(first.version()).isEqualTo("HTTP/2");
            assertThat(first.headers().get("Alt-Svc")).startsWith("h3=\":" + server.port() + "\"");

            Response second = session.get(server.url("/get")).send();

            assertThat(second.version()).isEqualTo("HTTP/3");
            assertThat(server.takeRequest().version()).isEqualTo("HTTP/2");
            assertThat(server.takeRequest().version()).isEqualTo("HTTP/3");
        }
    }

    @Test
    void aRequestThroughAProxyNeverLeavesByQuicWhateverTheOriginAdvertises() {
        try (TestServer server = TestServer.builder().http2().http3().start();
                TestProxy proxy = TestProxy.http();
                ClientSession session = withHttp3(server, Protocol.HTTP_2, Protocol.HTTP_1_1)
                        .http3Origins("https://localhost:" + server.port())
                        .proxy(proxy.url())
                        .build()) {
            Response first = session.get(server.url("/get")).send();
            Response second = session.get(server.url("/get")).send();

            assertThat(first.version()).isEqualTo("HTTP/2");
            assertThat(second.version()).as("QUIC would bypass the proxy").isEqualTo("HTTP/2");
            assertThat(proxy.takeHead()).startsWith("CONNECT localhost:" + server.port() + " HTTP/1.1\n");
        }
    }

    @Test
    void anHttp11AnswerAdvertisingH3MovesTheNextRequestToHttp3() {
        try (TestServer server = TestServer.builder().http3().start();
                ClientSession session = withHttp3(server, Protocol.HTTP_1_1).build()) {
            assertThat(session.get(server.url("/get")).send().version()).isEqualTo("HTTP/1.1");
            assertThat(session.post(server.url("/post"))
                            .body("x", "text/plain")
                            .send()
                            .version())
                    .isEqualTo("HTTP/3");
        }
    }

    @Test
    void withoutHttp3AmongTheProtocolsAnAdvertisementIsIgnored() {
        try (TestServer server = TestServer.builder().http2().http3().start();
                ClientSession session = ClientSession.builder()
                        .trustManager(server.trustManager())
                        .build()) {
            session.get(server.url("/get")).send();
            assertThat(session.get(server.url("/get")).send().version()).isEqualTo("HTTP/2");
        }
    }

    @Test
    void altSvcClearSendsTheOriginBackToTcp() {
        try (TestServer server = TestServer.builder().http2().http3().start();
                ClientSession session =
                        withHttp3(server, Protocol.HTTP_2, Protocol.HTTP_1_1).build()) {
            session.get(server.url("/get")).send();
            server.enqueue(MockResponse.builder()
                    .status(200)
                    .header("Alt-Svc", "clear")
                    .body("bye")
                    .build());
            Response cleared = session.get(server.url("/anything")).send();
            assertThat(cleared.version()).isEqualTo("HTTP/3");

            assertThat(session.get(server.url("/get")).send().version()).isEqualTo("HTTP/2");
        }
    }

    @Test
    void anAdvertisementWhoseMaxAgeIsZeroIsNotUsed() {
        try (TestServer server = TestServer.builder()
                        .http2()
                        .http3(Http3Options.builder()
                                .altSvcMaxAge(Duration.ZERO)
                                .build())
                        .start();
                ClientSession session =
                        withHttp3(server, Protocol.HTTP_2, Protocol.HTTP_1_1).build()) {
            session.get(server.url("/get")).send();
            assertThat(session.get(server.url("/get")).send().version()).isEqualTo("HTTP/2");
        }
    }

    @Test
    void whereUdpIsBlackHoledAnAdvertisedOriginIsServedOverTcpQuicklyAndAPostIsSentOnce() {
        try (TestServer server = TestServer.builder()
                        .http2()
                        .http3(Http3Options.builder().blackHole().build())
                        .start();
                ClientSession session = withHttp3(server, Protocol.HTTP_2, Protocol.HTTP_1_1)
                        .timeouts(Timeouts.builder()
                                .tlsHandshake(Duration.ofSeconds(2))
                                .build())
                        .build()) {
            session.get(server.url("/get")).send();
            server.takeRequest();

            long start = System.nanoTime();
            Response posted =
                    session.post(server.url("/post")).json(Map.of("once", true)).send();
            long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();

            assertThat(posted.version()).isEqualTo("HTTP/2");
            assertThat(posted.json(Map.class).get("json")).isEqualTo(Map.of("once", true));
            assertThat(millis).isLessThan(1500);
            RecordedRequest recorded = server.takeRequest();
            assertThat(recorded.method()).isEqualTo("POST");
            assertThat(server.requestCount()).isEqualTo(2);
        }
    }

    @Test
    void afterQuicFailedTheOriginGoesStraightToTcpForAWhile() throws Exception {
        try (TestServer server = TestServer.builder()
                        .http2()
                        .http3(Http3Options.builder().blackHole().build())
                        .start();
                ClientSession session = withHttp3(server, Protocol.HTTP_2, Protocol.HTTP_1_1)
                        .timeouts(Timeouts.builder()
                                .tlsHandshake(Duration.ofMillis(400))
                                .build())
                        .build()) {
            session.get(server.url("/get")).send();
            session.get(server.url("/get")).send(); // Races QUIC, which times out after 400 ms.
            Thread.sleep(600);

            long start = System.nanoTime();
            Response third = session.get(server.url("/get")).send();

            assertThat(third.version()).isEqualTo("HTTP/2");
            assertThat(Duration.ofNanos(System.nanoTime() - start).toMillis()).isLessThan(250);
        }
    }

    @Test
    void anOriginNamedForHttp3GoesThereFirstAndFallsBackToTcpWhenUdpIsBlocked() {
        try (TestServer server = TestServer.builder().http2().http3().start();
                ClientSession session = ClientSession.builder()
                        .trustManager(server.trustManager())
                        .http3Origins(server.url("/"))
                        .build()) {
            assertThat(session.get(server.url("/get")).send().version()).isEqualTo("HTTP/3");
        }
        try (TestServer server = TestServer.builder()
                        .http2()
                        .http3(Http3Options.builder().blackHole().build())
                        .start();
                ClientSession session = ClientSession.builder()
                        .trustManager(server.trustManager())
                        .http3Origins(server.url("/"))
                        .build()) {
            Response response =
                    session.put(server.url("/put")).body("body", "text/plain").send();
            assertThat(response.version()).isEqualTo("HTTP/2");
            assertThat(server.requestCount()).isEqualTo(1);
        }
    }
}
