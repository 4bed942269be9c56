package io.posthaste.testing.leaks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.posthaste.testing.TestServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/**
 * The leak check catches what it promises to: a buffer never released, a socket left open, a
 * server left running; and passes a class that cleans up. Each case runs a small test class
 * through JUnit's engine test kit and looks at how that class ended.
 */
class LeakCheckExtensionTest {

    /** The fixture classes below run only inside the test kit, never as tests of their own. */
    private static volatile boolean insideTestKit;

    private static ServerSocket leftOpen;
    private static TestServer leftRunning;

    @ExtendWith(LeakCheckExtension.class)
    static class LeaksABuffer {
        @Test
        void dropsADirectBufferUnreleased() {
            assumeTrue(insideTestKit);
            allocateAndForget();
        }

        private static void allocateAndForget() {
            ByteBuf buffer = Unpooled.directBuffer(16);
            buffer.writeInt(42);
        }
    }

    @ExtendWith(LeakCheckExtension.class)
    static class LeavesASocketOpen {
        @Test
        void opensAListenerAndKeepsIt() throws IOException {
            assumeTrue(insideTestKit);
            leftOpen = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        }
    }

    @ExtendWith(LeakCheckExtension.class)
    static class LeavesAServerRunning {
        @Test
        void startsATestServerAndKeepsIt() {
            assumeTrue(insideTestKit);
            leftRunning = TestServer.start();
        }
    }

    @ExtendWith(LeakCheckExtension.class)
    static class CleansUp {
        @Test
        void startsAndClosesEverything() {
            assumeTrue(insideTestKit);
            try (TestServer server = TestServer.start()) {
                ByteBuf buffer = Unpooled.directBuffer(16);
                buffer.release();
                assertThat(server.url("/")).startsWith("http://127.0.0.1:");
            }
        }
    }

    private static List<Throwable> classFailures(Class<?> fixture) {
        insideTestKit = true;
        try {
            Events containers = EngineTestKit.engine("junit-jupiter")
                    .selectors(selectClass(fixture))
                    .configurationParameter("posthaste.leakcheck.settleMillis", "300")
                    .configurationParameter("posthaste.leakcheck.descriptors", "true")
                    .execute()
                    .containerEvents();
            return containers.failed().stream()
                    .map(Event::getPayload)
                    .flatMap(payload -> payload.stream())
                    .map(p -> ((org.junit.platform.engine.TestExecutionResult) p)
                            .getThrowable()
                            .orElseThrow())
                    .toList();
        } finally {
            insideTestKit = false;
        }
    }

    @Test
    void aBufferNeverReleasedFailsItsClass() {
        assertThat(classFailures(LeaksABuffer.class))
                .singleElement()
                .satisfies(e -> assertThat(e).hasMessageContaining("leaked buffer"));
    }

    @Test
    void aSocketLeftOpenFailsItsClass() throws IOException {
        try {
            assertThat(classFailures(LeavesASocketOpen.class))
                    .singleElement()
                    .satisfies(e -> assertThat(e)
                            .hasMessageContaining("descriptors open")
                            .hasMessageContaining("tcp"));
        } finally {
            leftOpen.close();
        }
    }

    @Test
    void aServerLeftRunningFailsItsClass() {
        try {
            assertThat(classFailures(LeavesAServerRunning.class))
                    .singleElement()
                    .satisfies(e -> assertThat(e)
                            .hasMessageContaining("threads still running")
                            .hasMessageContaining("posthaste-testserver")
                            .hasMessageContaining("descriptors open"));
        } finally {
            leftRunning.close();
        }
    }

    @Test
    void aClassThatClosesEverythingPasses() {
        assertThat(classFailures(CleansUp.class)).isEmpty();
    }
}
