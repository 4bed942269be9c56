package io.posthaste.internal.http3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.posthaste.ClientSession;
import io.posthaste.Protocol;
import io.posthaste.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Where QUIC cannot run (no native library for the platform, or classes missing), a session asked
 * to speak HTTP/3 says so once, in one line naming why, and serves every request over TCP, even
 * from an origin that advertises h3 and even with {@code HTTP_3} alone.
 */
class Http3UnavailableTest {

    private final Logger logger = Logger.getLogger("io.posthaste.ClientSession");
    private final List<String> logged = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (logged) {
                logged.add(record.getMessage());
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @AfterEach
    void stopSimulating() {
        Http3Support.simulateUnavailable(null);
        logger.removeHandler(capture);
    }

    private List<String> http3Lines() {
        synchronized (logged) {
            return logged.stream().filter(line -> line.contains("HTTP/3")).toList();
        }
    }

    @Test
    void withoutQuicASessionSaysSoOnceAndUsesTcpForAdvertisedOrigins() {
        assumeTrue(TestServer.http3Available(), "the server side needs QUIC to advertise it");
        Http3Support.simulateUnavailable("no native library for this platform (simulated)");
        logger.addHandler(capture);
        try (TestServer server = TestServer.builder().http2().http3().start();
                ClientSession session = ClientSession.builder()
                        .protocols(Protocol.HTTP_3, Protocol.HTTP_2, Protocol.HTTP_1_1)
                        .trustManager(server.trustManager())
                        .build()) {
            for (int i = 0; i < 3; i++) {
                assertThat(session.get(server.url("/get")).send().version()).isEqualTo("HTTP/2");
            }
        }
        assertThat(http3Lines())
                .containsExactly("HTTP/3 unavailable on this platform: no native library for "
                        + "this platform (simulated); using TCP");
    }

    @Test
    void withoutQuicAnHttp3OnlySessionStillServesOverTcp() {
        Http3Support.simulateUnavailable("simulated");
        logger.addHandler(capture);
        try (TestServer server = TestServer.builder().tls().start();
                ClientSession session = ClientSession.builder()
                        .protocols(Protocol.HTTP_3)
                        .trustManager(server.trustManager())
                        .build()) {
            assertThat(session.get(server.url("/get")).send().version()).isEqualTo("HTTP/1.1");
        }
        assertThat(http3Lines()).hasSize(1);
    }

    @Test
    void aSessionThatDoesNotAskForHttp3NeverMentionsIt() {
        Http3Support.simulateUnavailable("simulated");
        logger.addHandler(capture);
        try (TestServer server = TestServer.start();
                ClientSession session = ClientSession.builder().build()) {
            session.get(server.url("/get")).send();
        }
        assertThat(http3Lines()).isEmpty();
    }

    @Test
    void theRealProbeAgreesWithTheTestServer() {
        assertThat(Http3Support.platformUnavailability() == null).isEqualTo(TestServer.http3Available());
    }
}
