package io.posthaste.bench.peer.posthaste;

import static org.assertj.core.api.Assertions.assertThat;

import io.posthaste.bench.Driver;
import io.posthaste.bench.EchoSocket;
import io.posthaste.testing.TestServer;
import io.posthaste.testing.WebSocketEndpoint;
import java.net.URI;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A smoke test of the {@code ws-echo-*} scenarios' driver (not a benchmark): 500 messages of 1 KiB
 * with at most 16 awaiting their echo, as {@code LoadLoop} issues them, all echoed and none failed.
 */
class WebSocketEchoSmokeTest {

    @Test
    void everyMessageSentIsEchoedAndCompletesItsSend() throws Exception {
        try (TestServer server = TestServer.start();
                Driver driver = new PosthasteDriverFactory().open(1)) {
            server.mount("/echo", WebSocketEndpoint.builder().noCompression().build());
            AtomicInteger ok = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            CountDownLatch all = new CountDownLatch(500);
            Semaphore window = new Semaphore(16);
            try (EchoSocket socket =
                    driver.openWebSocket(URI.create(server.url("/echo").replace("http", "ws")))) {
                String message = "x".repeat(1024);
                for (int i = 0; i < 500; i++) {
                    assertThat(window.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
                    socket.send(message, (status, error) -> {
                        (error == null && status == 200 ? ok : failed).incrementAndGet();
                        window.release();
                        all.countDown();
                    });
                }
                assertThat(all.await(30, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(ok).hasValue(500);
            assertThat(failed).hasValue(0);
        }
    }
}
