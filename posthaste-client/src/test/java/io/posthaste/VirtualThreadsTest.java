package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;

import io.posthaste.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

/** Runs on JDK 21+ (CI runs this suite on JDK 25): blocking send() on virtual threads. */
@EnabledForJreRange(min = JRE.JAVA_21)
class VirtualThreadsTest {

    @Test
    void tenThousandVirtualThreadsSendWithinThePoolCapAndNeverPin() throws Exception {
        AtomicInteger pinned = new AtomicInteger();
        try (TestServer server = TestServer.start();
                ClientSession session =
                        ClientSession.builder().maxConnectionsPerOrigin(64).build();
                RecordingStream events = new RecordingStream()) {
            events.enable("jdk.VirtualThreadPinned")
                    .withThreshold(Duration.ZERO)
                    .withStackTrace();
            events.onEvent("jdk.VirtualThreadPinned", event -> pinned.incrementAndGet());
            events.startAsync();

            List<Future<Integer>> results = new ArrayList<>(10_000);
            // Built reflectively: the code is compiled for Java 17, where virtual threads do not exist.
            ExecutorService threads = (ExecutorService)
                    Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
            try {
                for (int i = 0; i < 10_000; i++) {
                    results.add(threads.submit(
                            () -> session.get(server.url("/get")).send().status()));
                }
                for (Future<Integer> result : results) {
                    assertThat(result.get(60, TimeUnit.SECONDS)).isEqualTo(200);
                }
            } finally {
                threads.shutdown();
                assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(server.connectionCount()).isLessThanOrEqualTo(64);
            assertThat(server.requestCount()).isEqualTo(10_000);
            // Pinning events are flushed about once a second; give the stream time to deliver them.
            Thread.sleep(1500);
        }
        assertThat(pinned.get()).as("virtual-thread pinning events").isZero();
    }

    @Test
    void interruptingAVirtualThreadBlockedInSendCancelsTheExchangeAndFreesItsConnection() throws Exception {
        ThreadFactory virtual = (ThreadFactory) Class.forName("java.lang.Thread$Builder")
                .getMethod("factory")
                .invoke(Thread.class.getMethod("ofVirtual").invoke(null));
        try (TestServer server = TestServer.start();
                ClientSession session = ClientSession.create()) {
            ConnectionsAndTimeoutsTest.assertInterruptCancels(session, server, virtual);
        }
    }
}
