package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;

import io.posthaste.testing.TestServer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * A streamed response that the caller forgets — never read, never closed — is found when it
 * becomes unreachable: its connection is closed and given back, a warning names the request, and
 * a pool of one connection does not stay stuck.
 */
class AbandonedStreamTest {

    @Test
    void aForgottenStreamIsReclaimedReportedAndThePoolMovesOn() throws InterruptedException {
        Logger logger = Logger.getLogger(StreamingResponse.class.getName());
        List<String> warnings = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(record.getMessage());
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        logger.addHandler(capture);
        try (TestServer server = TestServer.start();
                ClientSession single =
                        ClientSession.builder().maxConnectionsPerOrigin(1).build()) {
            openAndForget(single, server.url("/bytes/200000"));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (single.poolStats().leased() > 0 && System.nanoTime() < deadline) {
                System.gc();
                Thread.sleep(50);
            }
            assertThat(single.poolStats().leased()).as("reclaimed").isZero();
            assertThat(warnings)
                    .anySatisfy(w -> assertThat(w).contains("/bytes/200000").contains("never closed"));
            assertThat(single.get(server.url("/get")).send().status()).isEqualTo(200);
        } finally {
            logger.removeHandler(capture);
        }
    }

    private static void openAndForget(ClientSession session, String url) {
        StreamingResponse forgotten = session.get(url).stream();
        assertThat(forgotten.status()).isEqualTo(200);
    }
}
