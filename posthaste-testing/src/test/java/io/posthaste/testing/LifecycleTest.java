package io.posthaste.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LifecycleTest {

    @Test
    void closeIsIdempotentFreesThePortAndStopsThreads() throws Exception {
        TestServer server = TestServer.start();
        int port = server.port();
        try (RawClient c = new RawClient(server)) {
            c.send(RawClient.get("/get")).read();
            server.close();
            server.close();
            assertThat(c.closedByServer()).isTrue();
        }
        assertThat(server.isClosed()).isTrue();
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
        assertThat(serverThreads()).isZero();
    }

    @Test
    void closedServerRejectsUseButKeepsRecordedRequests() throws IOException {
        TestServer server = TestServer.start();
        try (RawClient c = new RawClient(server)) {
            c.send(RawClient.get("/get")).read();
        }
        server.close();
        assertThatThrownBy(() -> server.enqueue(MockResponse.ok("x")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> server.url("/")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> server.dispatcher(Dispatcher.echo())).isInstanceOf(IllegalStateException.class);
        assertThat(server.takeRequest(Duration.ZERO).path()).isEqualTo("/get");
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void startingAnotherServerTakesLessThan200Milliseconds() {
        TestServer.start().close();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            TestServer s = TestServer.start();
            best = Math.min(best, System.nanoTime() - t0);
            s.close();
        }
        System.out.printf("TestServer start: best of 5 = %.1f ms%n", best / 1e6);
        assertThat(Duration.ofNanos(best)).isLessThan(Duration.ofMillis(200));
    }

    @Test
    void builderRejectsBadInput() {
        assertThatThrownBy(() -> TestServer.builder().port(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TestServer.builder().port(65536)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TestServer.builder().host(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TestServer.builder().maxRecordedBodyBytes(-1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bindingABusyPortFailsClearly() {
        try (TestServer first = TestServer.start()) {
            assertThatThrownBy(() -> TestServer.builder().port(first.port()).start())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(String.valueOf(first.port()));
        }
    }

    @Test
    void recordedBodyIsCappedButFullyCounted() throws Exception {
        try (TestServer server = TestServer.builder().maxRecordedBodyBytes(4).start();
                RawClient c = new RawClient(server)) {
            server.enqueue(MockResponse.ok(""));
            c.send("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123456789")
                    .read();
            RecordedRequest r = server.takeRequest();
            assertThat(r.bodyUtf8()).isEqualTo("0123");
            assertThat(r.bodySize()).isEqualTo(10);
        }
    }

    private static long serverThreads() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        long count;
        do {
            count = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("posthaste-testserver") && t.isAlive())
                    .count();
            if (count > 0) {
                Thread.sleep(10);
            }
        } while (count > 0 && System.nanoTime() < deadline);
        return count;
    }
}
