package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posthaste.testing.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Settings are validated when given, and the pool honours its idle timeout. */
class SessionSettingsTest {

    @Test
    void negativeOrZeroTimeoutsAndLimitsAreRejectedWhenGiven() {
        assertThatThrownBy(() -> Timeouts.builder().read(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("read");
        assertThatThrownBy(() -> Timeouts.builder().connect(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClientSession.builder().maxConnectionsPerOrigin(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClientSession.builder().idleTimeout(Duration.ofMillis(-5)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClientSession.builder().maxRedirects(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void protocolSetsThatLeaveCleartextWithoutOneOrAmbiguousAreRejected() {
        assertThatThrownBy(() -> ClientSession.builder().protocols())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one");
        assertThatThrownBy(() -> ClientSession.builder().protocols(Protocol.HTTP_2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("http://");
        assertThatThrownBy(() -> ClientSession.builder().protocols(Protocol.HTTP_1_1, Protocol.H2_PRIOR_KNOWLEDGE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ambiguous");
        assertThatThrownBy(() -> ClientSession.builder().protocols(Protocol.HTTP_1_1, null))
                .isInstanceOf(NullPointerException.class);
        // Every legal set builds: repeats are ignored.
        ClientSession.builder().protocols(Protocol.HTTP_1_1);
        ClientSession.builder().protocols(Protocol.HTTP_1_1, Protocol.HTTP_2, Protocol.HTTP_1_1);
        ClientSession.builder().protocols(Protocol.H2_PRIOR_KNOWLEDGE);
        ClientSession.builder().protocols(Protocol.HTTP_2, Protocol.H2_PRIOR_KNOWLEDGE);
    }

    @Test
    void nullArgumentsFailFastWithTheirName() {
        try (ClientSession session = ClientSession.create()) {
            assertThatThrownBy(() -> session.get(null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("url");
            assertThatThrownBy(() -> session.get("http://h/").header("X", null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("X");
            assertThatThrownBy(() -> session.post("http://h/").formField("k", null))
                    .isInstanceOf(NullPointerException.class);
        }
    }

    @Test
    void unsupportedSchemesAndMalformedUrlsFailBeforeAnyByteIsSent() {
        try (ClientSession session = ClientSession.create()) {
            assertThatThrownBy(() -> session.get("ftp://example.com/").send())
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("ftp");
            assertThatThrownBy(() -> session.get("http://exa mple.com/").send())
                    .isInstanceOf(InvalidRequestException.class);
        }
    }

    @Test
    void idleConnectionsAreClosedAfterTheIdleTimeout() throws InterruptedException {
        try (TestServer server = TestServer.start();
                ClientSession session = ClientSession.builder()
                        .idleTimeout(Duration.ofMillis(200))
                        .build()) {
            session.get(server.url("/get")).send();
            assertThat(session.poolStats().idle()).isEqualTo(1);

            long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (session.poolStats().idle() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(session.poolStats().idle()).isZero();
            while (server.openConnectionCount() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(server.openConnectionCount()).isZero();
        }
    }
}
